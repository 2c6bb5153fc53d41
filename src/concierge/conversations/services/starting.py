"""Starting a conversation: by the contact, or by a teammate reaching out."""

from datetime import datetime

from django.db import transaction

from concierge.contacts.models import Contact
from concierge.conversations.announcements import ConversationStarted
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services.timeline import (
    add_part,
    happened,
    instant,
    preview_of,
    record_conversation_event,
)
from concierge.core.errors import InvalidInput
from concierge.core.reactions import announce
from concierge.core.text import clean_message_body, clean_short_text, render_message
from concierge.events import types as event_types
from concierge.workspaces.models import Teammate, Workspace

Author = Part.Author
Kind = Part.Kind


def start_conversation(
    workspace: Workspace,
    *,
    contact: Contact,
    body: str,
    channel: str = Conversation.Channel.MESSENGER,
    teammate: Teammate | None = None,
    subject: str = "",
    at: datetime | None = None,
    data: dict | None = None,
) -> Conversation:
    """A new conversation with its first message: from the contact (text or simple HTML), or from a
    teammate when given (Markdown, services.messages). `data`: what the channel keeps on the first
    message (the email it came from)."""
    if contact.workspace_id != workspace.pk:
        raise InvalidInput("That contact belongs to another workspace.", field="contact")
    if teammate is not None and teammate.workspace_id != workspace.pk:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    if channel not in Conversation.Channel.values:
        raise InvalidInput(
            f"channel '{channel}' must be one of {', '.join(Conversation.Channel.values)}.", field="channel"
        )
    body = render_message(body) if teammate is not None else clean_message_body(body)
    subject = clean_short_text(subject, field="subject", max_length=200)
    at = instant(at)
    initiator = Conversation.Initiator.TEAMMATE if teammate else Conversation.Initiator.CONTACT
    with transaction.atomic():
        conversation = Conversation.objects.create(
            workspace=workspace,
            contact=contact,
            channel=channel,
            initiator=initiator,
            started_by=teammate,
            subject=subject,
            created_at=at,
            last_activity_at=at,
            last_part_preview=preview_of(body),
        )
        conversation.contact = contact
        conversation.workspace = workspace
        add_part(
            conversation,
            kind=Kind.COMMENT,
            author_type=Author.TEAMMATE if teammate else Author.CONTACT,
            teammate=teammate,
            body=body,
            at=at,
            data=data,
        )
        record_conversation_event(
            conversation,
            event_types.CONVERSATION_STARTED,
            at,
            channel=channel,
            initiator=initiator,
            teammate=teammate.ref if teammate else None,
        )
        announce(
            ConversationStarted(
                **happened(conversation, at, teammate),
                contact_id=contact.pk,
                channel=channel,
                initiator=initiator,
            )
        )
    return conversation
