"""Messages in a conversation: replies from either side, internal notes and automated answers.

A teammate's message and the bot's are written in Markdown and stored as the safe HTML it renders to
(core.text.render_message): with `keep_html` (the API, the bot) HTML tags in it are kept, sanitised;
the inbox's composer passes keep_html=False, so markup typed there is shown as typed. A customer's
message is text or simple HTML, sanitised (core.text.clean_message_body)."""

from datetime import datetime

from django.db import transaction

from concierge.conversations import event_types as conversation_event_types
from concierge.conversations.announcements import BotAnswered, ContactReplied, NoteAdded, TeammateReplied
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services.states import bring_back_to_open
from concierge.conversations.services.timeline import (
    add_part,
    check_same_workspace,
    happened,
    instant,
    preview_of,
    record_conversation_event,
    touch,
)
from concierge.core.errors import InvalidInput
from concierge.core.reactions import announce
from concierge.core.text import clean_message_body, render_message
from concierge.events import types as event_types
from concierge.workspaces.models import Teammate

Author = Part.Author
Kind = Part.Kind
State = Conversation.State


def reply_as_teammate(
    conversation: Conversation,
    teammate: Teammate,
    body: str,
    *,
    at: datetime | None = None,
    keep_html: bool = True,
    data: dict | None = None,
) -> Part:
    """`data`: what the channel keeps on the message (an email's Cc and files, from the composer)."""
    check_same_workspace(conversation, teammate)
    body = render_message(body, keep_html=keep_html)
    at = instant(at)
    with transaction.atomic():
        part = add_part(
            conversation,
            kind=Kind.COMMENT,
            author_type=Author.TEAMMATE,
            teammate=teammate,
            body=body,
            at=at,
            data=data,
        )
        if (
            conversation.first_response_at is None
            and conversation.initiator == Conversation.Initiator.CONTACT
        ):
            # Conditional: of two first replies at the same moment, the first one stays the first.
            Conversation.objects.filter(pk=conversation.pk, first_response_at__isnull=True).update(
                first_response_at=at
            )
            conversation.first_response_at = at
        touch(conversation, at, preview_of(body))
        record_conversation_event(
            conversation,
            event_types.CONVERSATION_REPLIED,
            at,
            author="teammate",
            teammate=teammate.ref,
        )
        announce(TeammateReplied(**happened(conversation, at, teammate), part_id=part.pk))
    return part


def add_files_to_new_reply(part: Part, *, attachments: list[dict] = (), links_html: str = "") -> None:
    """Files that go with a teammate's reply (a saved reply's), added inside the transaction that
    wrote it, before anyone reads it: `attachments` as its channel keeps them (an email's go out with
    it), `links_html` under its text (safe HTML, built by the caller with every name escaped)."""
    if part.kind != Kind.COMMENT or part.author_type != Author.TEAMMATE:
        raise InvalidInput("Files are added to a teammate's reply only.", field="attachments")
    data = dict(part.data or {})
    if attachments:
        data["attachments"] = [*data.get("attachments", []), *attachments]
    body = part.body + links_html
    Part.objects.filter(pk=part.pk).update(body=body, data=data)
    part.body, part.data = body, data


def reply_as_contact(
    conversation: Conversation, body: str, *, at: datetime | None = None, data: dict | None = None
) -> Part:
    """The customer writes again; a closed or snoozed conversation comes back to the inbox. `data`:
    what the channel keeps on the message (the email it came from, a participant who wrote it)."""
    body = clean_message_body(body)
    at = instant(at)
    with transaction.atomic():
        part = add_part(
            conversation, kind=Kind.COMMENT, author_type=Author.CONTACT, body=body, at=at, data=data
        )
        touch(conversation, at, preview_of(body))
        record_conversation_event(conversation, event_types.CONVERSATION_REPLIED, at, author="contact")
        bring_back_to_open(conversation, at, reason="contact replied")  # when closed or snoozed
        announce(ContactReplied(**happened(conversation, at, None), part_id=part.pk))
    return part


def add_note(
    conversation: Conversation,
    teammate: Teammate | None,
    body: str,
    *,
    at: datetime | None = None,
    keep_html: bool = True,
    data: dict | None = None,
) -> Part:
    """An internal note: teammates see it, the customer never does. `teammate` None: written by
    Concierge itself (a routing rule, which names itself in `data`)."""
    check_same_workspace(conversation, teammate)
    body = render_message(body, keep_html=keep_html)
    at = instant(at)
    with transaction.atomic():
        part = add_part(
            conversation,
            kind=Kind.NOTE,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            body=body,
            at=at,
            data=data,
        )
        touch(conversation, at)
        record_conversation_event(
            conversation,
            conversation_event_types.CONVERSATION_NOTE_ADDED,
            at,
            teammate=teammate.ref if teammate else None,
        )
        announce(NoteAdded(**happened(conversation, at, teammate), part_id=part.pk))
    return part


def deliver_bot_answer(
    conversation: Conversation, body: str, *, at: datetime | None = None, data=None
) -> Part:
    """An automated answer (e.g. from a help article) delivered in the conversation."""
    body = render_message(body)
    at = instant(at)
    with transaction.atomic():
        part = add_part(
            conversation, kind=Kind.BOT_ANSWER, author_type=Author.BOT, body=body, at=at, data=data
        )
        if not conversation.bot_answered:
            conversation.bot_answered = True
            conversation.save(update_fields=["bot_answered"])
        touch(conversation, at, preview_of(body))
        record_conversation_event(conversation, event_types.BOT_ANSWERED, at)
        record_conversation_event(conversation, event_types.CONVERSATION_REPLIED, at, author="bot")
        announce(BotAnswered(**happened(conversation, at, None), part_id=part.pk))
    return part


def record_delivery(part: Part, *, status: str, detail: str = "") -> Part:
    """How a message got to the customer on its channel ("sent", "failed" with why), shown on the
    message in the inbox. The channel's app calls it; the conversation itself does not change."""
    if status not in DELIVERY_STATUSES:
        raise ValueError(f"delivery status must be one of {', '.join(DELIVERY_STATUSES)}")
    with transaction.atomic():
        locked = Part.objects.select_for_update().get(pk=part.pk)
        locked.data = {**locked.data, "delivery": {"status": status, "detail": detail[:500]}}
        locked.save(update_fields=["data"])
    part.data = locked.data
    return part


DELIVERY_STATUSES = ("sending", "sent", "failed")
