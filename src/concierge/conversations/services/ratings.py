"""The customer's rating of a conversation."""

from datetime import datetime

from django.db import transaction

from concierge.conversations.announcements import ConversationRated
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services.timeline import add_part, happened, instant, record_conversation_event
from concierge.core.errors import InvalidInput
from concierge.core.reactions import announce
from concierge.core.text import clean_short_text
from concierge.events import types as event_types

Author = Part.Author
Kind = Part.Kind


def rate_conversation(
    conversation: Conversation, *, rating: int, remark: str = "", at: datetime | None = None
) -> Conversation:
    """The customer's rating, 1-5; a later rating replaces an earlier one."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput("rating must be a whole number from 1 to 5.", field="rating")
    remark = clean_short_text(remark, field="remark", max_length=2000, multiline=True)
    at = instant(at)
    with transaction.atomic():
        conversation.rating = rating
        conversation.rating_remark = remark
        conversation.rated_at = at
        conversation.save(update_fields=["rating", "rating_remark", "rated_at"])
        add_part(
            conversation,
            kind=Kind.RATING,
            author_type=Author.CONTACT,
            data={"rating": rating, "remark": remark},
            at=at,
        )
        record_conversation_event(
            conversation, event_types.CONVERSATION_RATED, at, rating=rating, remark=remark or None
        )
        announce(ConversationRated(**happened(conversation, at, None), rating=rating))
    return conversation
