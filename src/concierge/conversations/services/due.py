"""When the customer is owed an answer: kept by whoever counts the service levels (routing)."""

from datetime import datetime

from concierge.conversations.models import Conversation


def set_response_due(conversation: Conversation, due_at: datetime | None) -> None:
    """Set (or clear, with None) the instant the conversation's next answer is due. A derived value,
    not a support event: no timeline entry and no event in the log; call it in the change's transaction."""
    Conversation.objects.filter(pk=conversation.pk).update(response_due_at=due_at)
    conversation.response_due_at = due_at
