"""Read state: the customer has seen the conversation up to an instant."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from concierge.conversations.announcements import ConversationSeenByContact
from concierge.conversations.models import Conversation
from concierge.conversations.services.timeline import happened, instant
from concierge.core.reactions import announce


def mark_seen_by_contact(conversation: Conversation, *, at: datetime | None = None) -> Conversation:
    """The customer has the conversation in front of them at `at` (now): every message up to then is
    read. Only ever moves forward (a late, older "seen" changes nothing); announced when it moves, so
    the inbox can show "Seen". Not a support event: the log records what was said, not who read it."""
    at = instant(at)
    with transaction.atomic():
        moved = Conversation.objects.filter(
            Q(contact_seen_at__isnull=True) | Q(contact_seen_at__lt=at), pk=conversation.pk
        ).update(contact_seen_at=at)
        if moved:
            conversation.contact_seen_at = at
            announce(ConversationSeenByContact(**happened(conversation, at, None)))
    return conversation
