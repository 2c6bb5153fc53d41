"""Mail Concierge sends: a teammate's reply in an email conversation, the mailbox's automatic
acknowledgement, and a conversation a teammate starts by email. Each is composed once, kept (its
raw text through the storage API, its Message-ID for threading) and queued; the worker sends it,
trying again on a passing failure, and a hard failure shows on the reply in the inbox."""

import html
import logging
import mimetypes
import re
import smtplib
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from concierge.contacts.selectors import user_by_email
from concierge.contacts.services import create_contact
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import record_delivery, start_conversation
from concierge.core.errors import InvalidInput
from concierge.core.queue import enqueue_with_change
from concierge.core.text import clean_short_text, message_text, refuse_control_characters
from concierge.mail import selectors
from concierge.mail.composing import Outgoing, StoredEmail, compose, new_message_id, reply_subject
from concierge.mail.models import MailAttachment, Mailbox, MailMessage, MailThread
from concierge.mail.services.files import files_kept_only_on_success, read_stored
from concierge.meetings.services.mail import describe_send_failure
from concierge.workspaces.models import Teammate, Workspace

logger = logging.getLogger("concierge.mail")
Outcome = MailMessage.Outcome
FIRST_RETRY_AFTER = timedelta(minutes=1)


def retry_delay(attempt: int) -> timedelta:
    """After failed attempt number `attempt`: 1, 2, 4, 8… minutes."""
    return FIRST_RETRY_AFTER * 2 ** (attempt - 1)


def queue_reply_email(part: Part, *, replayed: bool = False) -> MailMessage | None:
    """The teammate's reply as an email to the customer, queued (once: a reply already emailed is
    left as it is); None when the conversation is not carried by a mailbox or the part is not a
    teammate's message (a note is never emailed). `replayed`: history replayed (the demo), recorded
    as sent when the reply was written, not sent now."""
    if part.kind != Part.Kind.COMMENT or part.author_type != Part.Author.TEAMMATE:
        return None
    conversation = part.conversation
    thread = selectors.thread_of_conversation(conversation.workspace, conversation.pk)
    if thread is None:
        return None
    earlier = selectors.message_of_part(conversation.workspace, part.pk)
    if earlier is not None:
        return earlier
    teammate = part.author_teammate
    answered = selectors.last_received_in(conversation.workspace, conversation.pk)
    files = selectors.reply_attachments(conversation.workspace, _attachment_ids(part))
    outgoing = Outgoing(
        from_name=_sender_name(thread.mailbox, teammate),
        from_address=thread.mailbox.address,
        to=[thread.customer_address],
        # As the teammate set it on the reply (the composer), else the thread's participants.
        cc=list(part.data["cc"]) if isinstance(part.data.get("cc"), list) else thread.cc_list,
        attachments=[(f.filename, read_stored(f.file.name), f.content_type) for f in files],
        reply_to=thread.mailbox.plus_address(thread.token),
        subject=reply_subject(answered.subject if answered else conversation.subject),
        body_html=part.body,
        signature=thread.mailbox.signature,
        marker_token=thread.token,
        in_reply_to=_replied_message_id(conversation),
        references=selectors.thread_message_ids(conversation.workspace, conversation.pk),
    )
    message = _queue(
        thread.mailbox,
        conversation,
        part,
        outgoing,
        via=MailMessage.Via.REPLY,
        at=part.created_at if replayed else None,
        replayed=replayed,
    )
    if files:
        MailAttachment.objects.filter(pk__in=[f.pk for f in files]).update(message=message)
    return message


def _attachment_ids(part: Part) -> list[int]:
    found = part.data.get("attachments") if isinstance(part.data, dict) else None
    return [a["id"] for a in found or [] if isinstance(a, dict) and isinstance(a.get("id"), int)]


MAX_COPIED = 20
MAX_REPLY_FILES = 10
ADDRESS_SEPARATORS = re.compile(r"[,;\s]+")


def copied_addresses_from_text(thread: MailThread, text: str) -> list[str]:
    """The Cc a teammate typed on a reply (addresses separated by commas, semicolons or spaces):
    each a valid address, none of Concierge's own mailboxes; the customer, already the To, dropped."""
    text = (text or "").strip()
    refuse_control_characters(text, field="cc", allowed="")
    copied: list[str] = []
    for address in ADDRESS_SEPARATORS.split(text):
        address = address.strip().strip("<>").lower()
        if not address or address == thread.customer_address or address in copied:
            continue
        try:
            validate_email(address)
        except ValidationError as exc:
            raise InvalidInput(f"Cc: '{address[:100]}' is not a valid email address.", field="cc") from exc
        if selectors.is_a_mailbox_address(address):
            raise InvalidInput(f"Cc: {address} is a mailbox of Concierge's own; leave it out.", field="cc")
        copied.append(address)
    if len(copied) > MAX_COPIED:
        raise InvalidInput(f"Cc: at most {MAX_COPIED} addresses.", field="cc")
    return copied


def set_thread_copies(thread: MailThread, copied: list[str]) -> None:
    """Who the next replies copy, as a teammate last set it."""
    joined = ", ".join(copied)
    if joined != thread.cc_addresses:
        MailThread.objects.filter(pk=thread.pk).update(cc_addresses=joined)
        thread.cc_addresses = joined


def keep_reply_attachments(thread: MailThread, uploads: list) -> list[dict]:
    """The files a teammate attached to a reply, kept through the storage API (within the limits,
    refused types refused), to go out with its email. Returns them as the reply's message shows them.
    Call inside the reply's transaction: the files are removed again if it does not commit here."""
    if len(uploads) > MAX_REPLY_FILES:
        raise InvalidInput(f"At most {MAX_REPLY_FILES} files on one reply.", field="attachments")
    limit = settings.MAIL_MAX_ATTACHMENT_BYTES
    refused = {suffix.lower() for suffix in settings.MAIL_REFUSED_ATTACHMENT_TYPES}
    total = sum(upload.size for upload in uploads)
    if total > limit:
        raise InvalidInput(
            f"The files are {filesizeformat(total)} together; a reply carries at most {filesizeformat(limit)}.",
            field="attachments",
        )
    for upload in uploads:
        name = _attachment_name(upload.name)
        suffix = PurePath(name).suffix.lower()
        if suffix in refused:
            raise InvalidInput(f"{name}: a {suffix} file cannot be sent.", field="attachments")
        if upload.size == 0:
            raise InvalidInput(f"{name} is empty.", field="attachments")
    return keep_reply_files(thread, [(upload.name, b"".join(upload.chunks())) for upload in uploads])


def keep_reply_files(thread: MailThread, named_contents: list[tuple[str, bytes]]) -> list[dict]:
    """Files to go out with a reply's email (checked by the caller: a teammate's upload, a saved
    reply's files), kept through the storage API. Call inside the reply's transaction: the files are
    removed again if it does not commit."""
    shown = []
    with files_kept_only_on_success() as files:
        for given_name, content in named_contents:
            name = _attachment_name(given_name)
            suffix = PurePath(name).suffix.lower()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            attachment = MailAttachment.objects.create(
                workspace_id=thread.workspace_id,
                message=None,
                filename=name,
                content_type=content_type[:127],
                size=len(content),
                file=files.save("attachments", suffix[:10], content),
            )
            shown.append(
                {"id": attachment.pk, "name": name, "type": attachment.content_type, "size": len(content)}
            )
    return shown


def _attachment_name(name: str) -> str:
    """The file's own name, without a path or characters a header cannot carry."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "attachment"
    return name[-255:]


def _sender_name(mailbox: Mailbox, teammate: Teammate | None) -> str:
    return (
        f"{teammate.name} from {mailbox.sender_name}" if teammate and teammate.name else mailbox.sender_name
    )


def _replied_message_id(conversation: Conversation) -> str:
    ids = selectors.thread_message_ids(conversation.workspace, conversation.pk)
    return ids[-1] if ids else ""


def queue_acknowledgement(
    mailbox: Mailbox,
    conversation: Conversation,
    received: MailMessage,
    *,
    at: datetime,
    replayed: bool = False,
) -> MailMessage:
    """The mailbox's automatic acknowledgement of a new conversation (at most once a day per sender,
    checked by the caller), marked Auto-Submitted so the customer's own autoresponder stays quiet."""
    thread = selectors.thread_of_conversation(conversation.workspace, conversation.pk)
    outgoing = Outgoing(
        from_name=mailbox.sender_name,
        from_address=mailbox.address,
        to=[received.from_address],
        reply_to=mailbox.plus_address(thread.token),
        subject=reply_subject(received.subject or conversation.subject),
        body_html="".join(
            f"<p>{line}</p>" for line in _escaped_lines(mailbox.auto_ack_text or DEFAULT_ACKNOWLEDGEMENT)
        ),
        signature=mailbox.signature,
        marker_token=thread.token,
        in_reply_to=received.message_id,
        references=[received.message_id] if received.message_id else [],
        auto_submitted=True,
    )
    return _queue(
        mailbox, conversation, None, outgoing, via=MailMessage.Via.AUTO_ACK, at=at, replayed=replayed
    )


DEFAULT_ACKNOWLEDGEMENT = (
    "Thanks for writing to us. We have your message and will answer as soon as we can.\n\n"
    "You can reply to this email to add anything."
)


def _escaped_lines(text: str) -> list[str]:
    return [html.escape(p).replace("\n", "<br>") for p in text.strip().split("\n\n") if p.strip()]


def start_email_conversation(
    workspace: Workspace,
    *,
    teammate: Teammate,
    mailbox: Mailbox,
    to_address: str,
    subject: str,
    body: str,
    name: str = "",
    at: datetime | None = None,
    replayed: bool = False,
) -> Conversation:
    """A teammate writes to a customer first: a new email conversation (initiated by the teammate,
    recorded as any other start) whose first message is sent from the mailbox. `replayed`: history
    replayed (the demo), the email recorded as sent at `at`."""
    if mailbox.workspace_id != workspace.pk or teammate.workspace_id != workspace.pk:
        raise InvalidInput("That mailbox belongs to another workspace.", field="mailbox")
    to_address = _valid_address(to_address)
    subject = clean_short_text(subject, field="subject", max_length=200, required=True)
    at = at or timezone.now()
    with transaction.atomic():
        contact = user_by_email(workspace, to_address) or create_contact(
            workspace, email=to_address, name=name, at=at
        )
        conversation = start_conversation(
            workspace,
            contact=contact,
            body=body,
            channel=Conversation.Channel.EMAIL,
            teammate=teammate,
            subject=subject,
            at=at,
        )
        thread = MailThread.objects.create(
            workspace=workspace,
            mailbox=mailbox,
            conversation=conversation,
            customer_address=to_address,
            created_at=at,
        )
        part = conversation.parts.order_by("id").first()
        outgoing = Outgoing(
            from_name=_sender_name(mailbox, teammate),
            from_address=mailbox.address,
            to=[to_address],
            reply_to=mailbox.plus_address(thread.token),
            subject=subject,
            body_html=part.body,
            signature=mailbox.signature,
            marker_token=thread.token,
        )
        _queue(mailbox, conversation, part, outgoing, via=MailMessage.Via.OUTBOUND, at=at, replayed=replayed)
    return conversation


def _valid_address(address: str) -> str:
    address = (address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise InvalidInput(f"'{address[:100]}' is not a valid email address.", field="to") from exc
    return address


def _queue(
    mailbox: Mailbox,
    conversation: Conversation,
    part: Part | None,
    outgoing: Outgoing,
    *,
    via: str,
    at: datetime | None = None,
    replayed: bool = False,
) -> MailMessage:
    """Compose, keep and queue the email; a `replayed` one (history, the demo) is kept as sent at `at`."""
    from concierge.mail.tasks import send_mail_message_task

    message_id = new_message_id(mailbox.domain)
    raw = compose(outgoing, message_id)
    with files_kept_only_on_success() as files, transaction.atomic():
        message = MailMessage.objects.create(
            workspace_id=mailbox.workspace_id,
            mailbox=mailbox,
            direction=MailMessage.Direction.OUT,
            via=via,
            message_id=message_id,
            in_reply_to=outgoing.in_reply_to,
            references=" ".join(outgoing.references),
            from_address=mailbox.address,
            from_name=outgoing.from_name[:190],
            to_addresses=", ".join(outgoing.to),
            cc_addresses=", ".join(outgoing.cc),
            subject=outgoing.subject[:255],
            conversation=conversation,
            part=part,
            raw=files.save("raw", ".eml", raw),
            size=len(raw),
            html=outgoing.body_html,
            text=message_text(outgoing.body_html),
            outcome=Outcome.SENT if replayed else Outcome.PENDING,
            created_at=at or timezone.now(),
            sent_at=at if replayed else None,
        )
        if replayed:
            if part is not None:
                record_delivery(part, status="sent")
            return message
        if part is not None:
            record_delivery(part, status="sending")
        enqueue_with_change(send_mail_message_task, message.pk)
    return message


def send_mail_message(message_pk: int, *, max_attempts: int) -> str:
    """One attempt at sending a queued email; returns what happened. Safe to run twice: only a
    message still waiting is sent, and each attempt is claimed first."""
    from concierge.mail.tasks import send_mail_message_task

    message = (
        MailMessage.objects.filter(pk=message_pk, direction=MailMessage.Direction.OUT)
        .select_related("mailbox", "part")
        .first()
    )
    if message is None or message.outcome != Outcome.PENDING:
        return "nothing to send"
    attempt = message.attempts + 1
    claimed = MailMessage.objects.filter(
        pk=message.pk, outcome=Outcome.PENDING, attempts=message.attempts
    ).update(attempts=attempt)
    if not claimed:
        return "another worker has it"
    try:
        raw = read_stored(message.raw.name)
        recipients = [
            address.strip()
            for address in f"{message.to_addresses},{message.cc_addresses}".split(",")
            if address.strip()
        ]
        get_connection().send_messages([StoredEmail(raw, envelope_from=message.from_address, to=recipients)])
    except (smtplib.SMTPException, OSError) as error:
        temporary, reason = describe_send_failure(error)
        if temporary and attempt < max_attempts:
            with transaction.atomic():
                MailMessage.objects.filter(pk=message.pk).update(reason=f"Attempt {attempt}: {reason}")
                enqueue_with_change(
                    send_mail_message_task, message.pk, run_after=timezone.now() + retry_delay(attempt)
                )
            logger.warning("Email %s not sent yet (attempt %d): %s", message.pk, attempt, reason)
            return f"retry queued: {reason}"
        _mark_sent_or_failed(message, failed_because=reason)
        logger.error("Email %s not sent: %s", message.pk, reason)
        return f"failed: {reason}"
    _mark_sent_or_failed(message)
    return "sent"


def _mark_sent_or_failed(message: MailMessage, *, failed_because: str = "") -> None:
    with transaction.atomic():
        if failed_because:
            MailMessage.objects.filter(pk=message.pk).update(
                outcome=Outcome.FAILED, reason=failed_because[:1000]
            )
        else:
            MailMessage.objects.filter(pk=message.pk).update(
                outcome=Outcome.SENT, sent_at=timezone.now(), reason=""
            )
        if message.part is not None:
            if failed_because:
                record_delivery(message.part, status="failed", detail=f"Not delivered: {failed_because}")
            else:
                record_delivery(message.part, status="sent")
