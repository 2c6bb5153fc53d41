"""The messenger's writes: what the customer says of themselves, what their site tracks, and the files
they send. Each validates first and changes nothing on a refusal."""

import contextlib
import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from concierge.contacts import services as contact_services
from concierge.contacts.models import Contact
from concierge.conversations import services as conversation_services
from concierge.conversations.models import Conversation, Part
from concierge.core.errors import InvalidInput
from concierge.events.services import track_contact_event
from concierge.messenger.models import Attachment

MAX_FILE_NAME = 200

# The files a customer may send, by suffix, with the type they are served as. Anything a browser would
# run (HTML, SVG, scripts) is refused; the type served is ours, never the one the client claims.
ALLOWED_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".log": "text/plain",
    ".json": "application/json",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMAGE_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


def update_contact_from_messenger(
    contact: Contact, *, name: str | None = None, email: str | None = None, attributes: dict | None = None
) -> Contact:
    """The customer's site (boot, update) or the customer (the email asked of a visitor) says who they
    are: a name, an email address, attributes (merged into the contact's). Nothing given, nothing
    changes."""
    fields = {}
    if name is not None:
        fields["name"] = name
    if email is not None:
        fields["email"] = email
    if attributes is not None:
        fields["attributes"] = contact_services.clean_attributes(attributes)
    if not fields:
        return contact
    # Two calls at once (a site calling update twice in a row) each merge into the latest attributes:
    # the row is locked and read again first.
    with transaction.atomic():
        current = Contact.objects.select_for_update().get(pk=contact.pk)
        return contact_services.update_contact(current, **fields)


def track_event(contact: Contact, name: str, data: dict | None = None, *, at=None):
    """Concierge('track', name, data): one event in the support log, named by the customer's site."""
    return track_contact_event(contact, name, data, at=at)


def clean_file_name(name: str) -> str:
    """The file's name as shown: its last path segment, printable characters only, bounded."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(
        ch
        for ch in unicodedata.normalize("NFC", name)
        if unicodedata.category(ch)[0] not in "CZ" or ch == " "
    )
    name = name.strip().strip(".")
    if not name:
        raise InvalidInput("The file has no name.", field="file")
    if len(name) > MAX_FILE_NAME:
        stem, suffix = PurePath(name).stem, PurePath(name).suffix[:20]
        name = stem[: MAX_FILE_NAME - len(suffix)] + suffix
    return name


def _allowed_type(name: str, head: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    content_type = ALLOWED_TYPES.get(suffix)
    if content_type is None:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise InvalidInput(
            f"Files of type '{suffix or 'none'}' cannot be sent. Allowed: {allowed}.", field="file"
        )
    signatures = IMAGE_SIGNATURES.get(content_type)
    if signatures and not head.startswith(signatures):
        raise InvalidInput(f"'{name}' is not the image its name says it is.", field="file")
    return content_type


def send_attachment(conversation: Conversation, uploaded, *, body: str = "", at=None) -> Part:
    """The customer sends a file in one of their conversations: a message naming it (with their words,
    if any), and the file kept through the storage API. Too large or of a type not allowed: refused,
    and nothing is kept. The file is written before the rows and removed if they do not commit."""
    limit = settings.MESSENGER_MAX_ATTACHMENT_BYTES
    name = clean_file_name(getattr(uploaded, "name", ""))
    size = uploaded.size
    if size > limit:
        raise InvalidInput(
            f"'{name}' is {size:,} bytes; files sent in the messenger may be at most {limit:,} bytes.",
            field="file",
        )
    if size == 0:
        raise InvalidInput(f"'{name}' is empty.", field="file")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = _allowed_type(name, head)
    at = at or timezone.now()
    suffix = PurePath(name).suffix.lower()
    stored = default_storage.save(
        f"messenger/{conversation.workspace_id}/{at:%Y/%m}/{uuid.uuid4().hex}{suffix}", uploaded
    )
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                workspace_id=conversation.workspace_id,
                conversation=conversation,
                contact_id=conversation.contact_id,
                stored_name=stored,
                name=name,
                content_type=content_type,
                size=size,
                created_at=at,
            )
            # "type" too: the live stream's part names a file's type so (docs/live.md).
            described = {
                "id": attachment.pk,
                "name": name,
                "content_type": content_type,
                "type": content_type,
                "size": size,
            }
            words = escape(body.strip()) if body and body.strip() else ""
            # The teammates open it from the inbox through this link; the messenger shows the file itself.
            link = reverse("web:messenger-file", args=[conversation.workspace.slug, attachment.pk])
            named = f'📎 <a href="{link}">{escape(name)}</a>'
            text = f"{words}<br>{named}" if words else named
            part = conversation_services.reply_as_contact(
                conversation, text, at=at, data={"attachments": [described]}
            )
            attachment.part = part
            attachment.save(update_fields=["part"])
    except BaseException:
        with contextlib.suppress(OSError):
            default_storage.delete(stored)
        raise
    return part
