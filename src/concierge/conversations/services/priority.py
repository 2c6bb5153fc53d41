"""How urgent a conversation is: low, normal, high or urgent."""

from datetime import datetime

from django.db import transaction

from concierge.conversations import event_types as conversation_event_types
from concierge.conversations.announcements import ConversationPrioritized
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services.timeline import (
    add_part,
    check_same_workspace,
    happened,
    instant,
    lock,
    record_conversation_event,
)
from concierge.core.errors import InvalidInput
from concierge.core.reactions import announce
from concierge.workspaces.models import Teammate

Priority = Conversation.Priority


def set_conversation_priority(
    conversation: Conversation,
    priority: str,
    *,
    teammate: Teammate | None = None,
    at: datetime | None = None,
    data: dict | None = None,
) -> bool:
    """Set the priority; returns False when it already was that (nothing changes). `data`: more to
    say on the timeline's entry (a routing rule names itself there)."""
    if priority not in Priority.values:
        raise InvalidInput(
            f"Unknown priority '{priority}': use one of {', '.join(Priority.values)}.", field="priority"
        )
    check_same_workspace(conversation, teammate)
    at = instant(at)
    with transaction.atomic():
        lock(conversation)
        was = conversation.priority
        if was == priority:
            return False
        conversation.priority = priority
        conversation.save(update_fields=["priority"])
        add_part(
            conversation,
            kind=Part.Kind.PRIORITY,
            author_type=Part.Author.TEAMMATE if teammate else Part.Author.SYSTEM,
            teammate=teammate,
            data={"priority": priority, "was": was, **(data or {})},
            at=at,
        )
        record_conversation_event(
            conversation,
            conversation_event_types.CONVERSATION_PRIORITIZED,
            at,
            priority=priority,
            teammate=teammate.ref if teammate else None,
        )
        announce(ConversationPrioritized(**happened(conversation, at, teammate), priority=priority, was=was))
    return True
