"""Conversations and the contacts they are with: a merged lead's conversations go to the user."""

from datetime import datetime

from django.db import transaction

from concierge.conversations.announcements import ConversationsMovedToContact
from concierge.conversations.models import Conversation
from concierge.core.reactions import announce


def move_conversations_to_contact(
    workspace_id: int, *, from_contact_id: int, to_contact_id: int, at: datetime
) -> list[int]:
    """Give every conversation of one contact to another of the same workspace; returns their ids."""
    with transaction.atomic():
        moving = Conversation.objects.select_for_update().filter(
            workspace_id=workspace_id, contact_id=from_contact_id
        )
        conversation_ids = list(moving.values_list("pk", flat=True))
        if conversation_ids:
            Conversation.objects.filter(pk__in=conversation_ids).update(contact_id=to_contact_id)
            announce(
                ConversationsMovedToContact(
                    workspace_id=workspace_id,
                    conversation_ids=conversation_ids,
                    from_contact_id=from_contact_id,
                    to_contact_id=to_contact_id,
                )
            )
    return conversation_ids
