"""Receiving an email, however it came (the SMTP listener, IMAP, the HTTP hook): kept whole, then
placed — a new email conversation, a reply threaded into its conversation, or only recorded (an
auto-reply, a bounce) — or kept unplaced, with the reason, for a teammate to look at."""

import html
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.contacts.selectors import user_by_email
from concierge.contacts.services import create_contact
from concierge.conversations.models import Conversation
from concierge.conversations.services import assign_conversation, reply_as_contact, start_conversation
from concierge.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from concierge.mail import selectors
from concierge.mail.models import MailAttachment, Mailbox, MailMessage, MailThread
from concierge.mail.parsing import (
    MalformedMail,
    ParsedAttachment,
    ParsedMail,
    latest_reply,
    parse_mail,
    thread_token_in,
)
from concierge.mail.services.files import FilesOfOneMessage, files_kept_only_on_success, read_stored
from concierge.mail.services.outbound import queue_acknowledgement
from concierge.workspaces.models import Teammate, Workspace

logger = logging.getLogger("concierge.mail")
Outcome = MailMessage.Outcome
# The inbox shows this much of a message; the whole of it stays on the email's own page.
SHOWN_TEXT_LIMIT = 10_000


class MailTooBig(ServiceError):
    status_code = 413


@dataclass(frozen=True)
class Received:
    message: MailMessage
    duplicate: bool = False  # the same Message-ID was taken before; nothing new was written
    malformed: bool = False  # kept unplaced because it could not be read as an email


def check_message_size(size: int) -> None:
    limit = settings.MAIL_MAX_MESSAGE_BYTES
    if size > limit:
        raise MailTooBig(f"The message is {size} bytes; the limit is {limit} bytes.")


def receive_mail(
    raw: bytes,
    *,
    via: str,
    recipients: list[str] | None = None,
    workspace: Workspace | None = None,
    mailbox: Mailbox | None = None,
    imap_uid: int | None = None,
    at: datetime | None = None,
    replayed: bool = False,
) -> Received:
    """Keep and place one raw RFC 5322 message. `recipients`: the envelope's (the listener), else the
    message's own To/Cc/Delivered-To are read. `workspace`: the API key's, the only one it may land in.
    `mailbox`: the IMAP mailbox it was taken from. `at`, `replayed`: history replayed (the demo), the
    mail it calls for (an acknowledgement) recorded as sent then rather than sent now. Raises
    MailTooBig, or NotFound when no mailbox of any workspace (or of `workspace`) has the address and
    there is no workspace to keep it in."""
    check_message_size(len(raw))
    if mailbox is None and recipients:
        mailbox = selectors.mailbox_for_addresses(recipients, workspace=workspace)
    try:
        parsed = parse_mail(raw)
    except MalformedMail as exc:
        kept = _keep_unplaced(raw, via, mailbox, workspace, exc.reason, imap_uid=imap_uid, at=at)
        return Received(kept.message, malformed=True)
    if mailbox is None:
        mailbox = selectors.mailbox_for_addresses(parsed.recipients, workspace=workspace)
    if mailbox is None:
        addresses = ", ".join(parsed.recipients) or "no address"
        return _keep_unplaced(
            raw,
            via,
            None,
            workspace,
            f"No mailbox has the address it was sent to ({addresses}).",
            parsed=parsed,
            imap_uid=imap_uid,
            at=at,
        )
    earlier = selectors.received_message(mailbox.workspace, parsed.message_id)
    if earlier is not None:
        return Received(earlier, duplicate=True)
    try:
        return Received(_keep_and_place(raw, parsed, via, mailbox, imap_uid, at=at, replayed=replayed))
    except IntegrityError:
        # The same Message-ID taken at the same moment by another process (two pollers): theirs stands.
        earlier = selectors.received_message(mailbox.workspace, parsed.message_id)
        if earlier is None:
            raise
        return Received(earlier, duplicate=True)


def _keep_unplaced(
    raw: bytes,
    via: str,
    mailbox: Mailbox | None,
    workspace: Workspace | None,
    reason: str,
    *,
    parsed: ParsedMail | None = None,
    imap_uid: int | None = None,
    at: datetime | None = None,
) -> Received:
    workspace = mailbox.workspace if mailbox is not None else workspace
    if workspace is None:
        raise NotFound(reason)
    if parsed is not None:
        earlier = selectors.received_message(workspace, parsed.message_id)
        if earlier is not None:
            return Received(earlier, duplicate=True)
    with files_kept_only_on_success() as files, transaction.atomic():
        message = MailMessage.objects.create(
            workspace=workspace,
            mailbox=mailbox,
            direction=MailMessage.Direction.IN,
            via=via,
            raw=files.save("raw", ".eml", raw),
            size=len(raw),
            outcome=Outcome.UNPLACED,
            reason=reason,
            imap_uid=imap_uid,
            created_at=at or timezone.now(),
            **(_header_fields(parsed) if parsed else {}),
        )
    logger.info("Kept an unplaced email in workspace %s: %s", workspace.pk, reason)
    return Received(message)


def _header_fields(parsed: ParsedMail) -> dict:
    return {
        "message_id": parsed.message_id,
        "in_reply_to": " ".join(parsed.in_reply_to)[:255],
        "references": " ".join(parsed.references),
        "from_address": parsed.from_address,
        "from_name": parsed.from_name,
        "to_addresses": ", ".join(parsed.to),
        "cc_addresses": ", ".join(parsed.cc),
        "subject": parsed.subject,
        "html": parsed.html,
        "text": parsed.text,
    }


def _keep_and_place(
    raw: bytes, parsed: ParsedMail, via: str, mailbox: Mailbox, imap_uid, *, at=None, replayed=False
) -> MailMessage:
    workspace = mailbox.workspace
    at = at or timezone.now()
    with files_kept_only_on_success() as files, transaction.atomic():
        message = MailMessage.objects.create(
            workspace=workspace,
            mailbox=mailbox,
            direction=MailMessage.Direction.IN,
            via=via,
            raw=files.save("raw", ".eml", raw),
            size=len(raw),
            outcome=Outcome.UNPLACED,
            imap_uid=imap_uid,
            created_at=at,
            **_header_fields(parsed),
        )
        _sort(message, parsed, mailbox, files, at, replayed=replayed)
        message.save(update_fields=["outcome", "reason", "conversation", "part"])
    return message


def _sort(
    message: MailMessage,
    parsed: ParsedMail,
    mailbox: Mailbox,
    files: FilesOfOneMessage,
    at,
    *,
    replayed: bool = False,
    placed_by: str = "",
) -> None:
    """Keep the attachments, then only record it (noise) or place it in its conversation."""
    left_out = _keep_attachments(message, parsed.attachments, files)
    conversation, how = _conversation_replied_to(mailbox.workspace, parsed)
    noise = _why_only_recorded(parsed)
    if noise:
        message.outcome, message.reason = noise
        message.conversation = conversation
    else:
        _place(message, parsed, mailbox, conversation, left_out, at, replayed=replayed)
        message.reason = " ".join(filter(None, [placed_by, how, message.reason]))


def place_again(message: MailMessage, *, teammate: Teammate) -> MailMessage:
    """A teammate places an email that could not be placed when it came (for an address no mailbox
    had, or unreadable), once its mailbox is there: read again from the kept original and placed as
    if it came now. Only an unplaced email, and only once (its row is locked and checked again)."""
    if teammate.workspace_id != message.workspace_id:
        raise NotFound("No such email.")
    at = timezone.now()
    with files_kept_only_on_success() as files, transaction.atomic():
        locked = MailMessage.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None or locked.direction != MailMessage.Direction.IN:
            raise NotFound("No such email.")
        if locked.outcome != Outcome.UNPLACED:
            raise Conflict(f"This email is not waiting to be placed: {locked.get_outcome_display().lower()}.")
        if not locked.raw:
            raise InvalidInput("This email was not kept whole, so it cannot be read again.")
        try:
            parsed = parse_mail(read_stored(locked.raw.name))
        except MalformedMail as exc:
            raise InvalidInput(f"It still cannot be read as an email: {exc.reason}") from exc
        mailbox = locked.mailbox or selectors.mailbox_for_addresses(
            parsed.recipients, workspace=locked.workspace
        )
        if mailbox is None:
            addresses = ", ".join(parsed.recipients) or "no address"
            raise InvalidInput(
                f"Still no mailbox of this workspace has the address it was sent to ({addresses}): add it "
                "under Settings → Mailboxes, then place it again."
            )
        earlier = selectors.received_message(locked.workspace, parsed.message_id)
        if earlier is not None and earlier.pk != locked.pk:
            raise Conflict(
                f"The same email (its Message-ID) came again and is already kept as email {earlier.pk}."
            )
        locked.mailbox = mailbox
        for name, value in _header_fields(parsed).items():
            setattr(locked, name, value)
        locked.reason = ""
        _sort(
            locked, parsed, mailbox, files, at, placed_by=f"Placed again by {teammate.name or 'a teammate'}."
        )
        locked.save()
    return locked


def _why_only_recorded(parsed: ParsedMail) -> tuple[str, str] | None:
    if parsed.is_bounce:
        return Outcome.BOUNCE, "A delivery report (bounce): recorded, not placed."
    if parsed.auto_reply_reason:
        return Outcome.AUTO_REPLY, f"An automatic reply ({parsed.auto_reply_reason}): recorded, not placed."
    if selectors.is_a_mailbox_address(parsed.from_address):
        return (
            Outcome.AUTO_REPLY,
            "Sent from a Concierge mailbox's own address (a loop): recorded, not placed.",
        )
    return None


def _conversation_replied_to(workspace: Workspace, parsed: ParsedMail) -> tuple[Conversation | None, str]:
    """In order: In-Reply-To / References against the Message-IDs Concierge sent or received; a plus
    address among the recipients; the hidden marker in the body. Never by subject."""
    conversation = selectors.conversation_answered_by(workspace, parsed.thread_ids)
    if conversation is not None:
        return conversation, "Threaded by In-Reply-To / References."
    token, where = thread_token_in(parsed.recipients, parsed.text, parsed.html)
    thread = selectors.thread_by_token(workspace, token)
    if thread is not None:
        return thread.conversation, f"Threaded by the {where}."
    return None, "A new conversation."


def _place(
    message: MailMessage,
    parsed: ParsedMail,
    mailbox: Mailbox,
    conversation: Conversation | None,
    left_out: list[str],
    at,
    *,
    replayed: bool = False,
) -> None:
    workspace = mailbox.workspace
    contact = _contact_for(workspace, parsed.from_address, parsed.from_name, at)
    body = _shown_body(parsed, message, left_out)
    data = _part_data(message, contact, conversation)
    if conversation is None:
        conversation = start_conversation(
            workspace,
            contact=contact,
            body=body,
            channel=Conversation.Channel.EMAIL,
            subject=parsed.subject[:200] or "(no subject)",
            at=at,
            data=data,
        )
        MailThread.objects.create(
            workspace=workspace,
            mailbox=mailbox,
            conversation=conversation,
            customer_address=parsed.from_address,
            cc_addresses=", ".join(_copied_participants(workspace, parsed, parsed.from_address, at)),
            created_at=at,
        )
        if mailbox.default_team_id:
            assign_conversation(conversation, teammate=None, assignee=None, team=mailbox.default_team, at=at)
        part = conversation.parts.order_by("id").first()
        _acknowledge_if_asked(mailbox, conversation, message, at, replayed=replayed)
    else:
        part = reply_as_contact(conversation, body, at=at, data=data)
        _follow_the_latest_copies(workspace, conversation, parsed, at)
    message.conversation, message.part, message.outcome = conversation, part, Outcome.PLACED


MAX_COPIED = 20


def _copied_participants(workspace: Workspace, parsed: ParsedMail, customer_address: str, at) -> list[str]:
    """Everyone a message was written to or from but the customer and Concierge's own mailboxes: the
    thread's participants, copied (Cc) on the replies. Each becomes a contact (named from the header)."""
    copied = []
    for address in [parsed.from_address, *parsed.written_to, *parsed.cc]:
        if address == customer_address or address in copied or selectors.is_a_mailbox_address(address):
            continue
        copied.append(address)
    copied = copied[:MAX_COPIED]
    for address in copied:
        _contact_for(workspace, address, parsed.names.get(address, ""), at)
    return copied


def _follow_the_latest_copies(
    workspace: Workspace, conversation: Conversation, parsed: ParsedMail, at
) -> None:
    """A reply-all keeps the thread's participants as the latest message has them (a participant
    dropped from the Cc is no longer copied; one added is)."""
    thread = selectors.thread_of_conversation(workspace, conversation.pk)
    if thread is None:
        return
    copied = ", ".join(_copied_participants(workspace, parsed, thread.customer_address, at))
    if copied != thread.cc_addresses:
        MailThread.objects.filter(pk=thread.pk).update(cc_addresses=copied)


def _acknowledge_if_asked(
    mailbox: Mailbox, conversation: Conversation, message: MailMessage, at, *, replayed: bool = False
) -> None:
    if mailbox.auto_ack_enabled and not selectors.acknowledged_since(
        mailbox, message.from_address, at - timedelta(days=1)
    ):
        queue_acknowledgement(mailbox, conversation, message, at=at, replayed=replayed)


def _contact_for(workspace: Workspace, address: str, name: str, at) -> Contact:
    """The user with that address, or a new one named from the From display name."""
    found = user_by_email(workspace, address)
    if found is not None:
        return found
    try:
        return create_contact(workspace, email=address, name=name, at=at)
    except InvalidInput:
        # An address the contacts' stricter check refuses (a quoted local part): still the sender.
        return create_contact(workspace, external_id=f"email:{address}"[:190], name=name or address, at=at)


def _part_data(message: MailMessage, contact: Contact, conversation: Conversation | None) -> dict:
    data = {"email": message.pk, "attachments": _attachments_shown(message)}
    copied = [a.strip() for a in message.cc_addresses.split(",") if a.strip()]
    if copied:
        data["cc"] = copied
    if conversation is not None and contact.pk != conversation.contact_id:
        data["participant"] = {
            "contact": contact.pk,
            "name": contact.display_name,
            "address": message.from_address,
        }
    return data


def _attachments_shown(message: MailMessage) -> list[dict]:
    return [
        {"id": a.pk, "name": a.filename, "type": a.content_type, "size": a.size, "inline": a.inline}
        for a in message.attachments.all()
    ]


def _shown_body(parsed: ParsedMail, message: MailMessage, left_out: list[str]) -> str:
    """What the inbox shows: the latest reply (quoted history and signature cut), as simple HTML."""
    text = latest_reply(parsed.text) or parsed.text.strip()
    text = text[:SHOWN_TEXT_LIMIT]
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if left_out:
        body += "<p><em>Left out: " + html.escape("; ".join(left_out)) + "</em></p>"
    if not body:
        count = message.attachments.count()
        body = f"<p><em>(No text; {count} attachment{'s' if count != 1 else ''}.)</em></p>"
    return body


def _keep_attachments(
    message: MailMessage, attachments: list[ParsedAttachment], files: FilesOfOneMessage
) -> list[str]:
    """Stores the attachments within the limits; returns what was left out and why."""
    left_out = []
    limit = settings.MAIL_MAX_ATTACHMENT_BYTES
    refused = {suffix.lower() for suffix in settings.MAIL_REFUSED_ATTACHMENT_TYPES}
    for attachment in attachments:
        suffix = PurePath(attachment.filename).suffix.lower()
        if suffix in refused:
            left_out.append(f"{attachment.filename} (a {suffix} file is not accepted)")
            continue
        if len(attachment.payload) > limit:
            left_out.append(
                f"{attachment.filename} ({len(attachment.payload)} bytes, over the {limit}-byte limit)"
            )
            continue
        MailAttachment.objects.create(
            workspace=message.workspace,
            message=message,
            filename=attachment.filename or "attachment",
            content_type=attachment.content_type,
            size=len(attachment.payload),
            content_id=attachment.content_id,
            inline=attachment.inline,
            file=files.save("attachments", suffix[:10], attachment.payload),
        )
    if left_out:
        message.reason = "Attachments left out: " + "; ".join(left_out)
    return left_out
