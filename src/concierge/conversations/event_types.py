"""The support log's event types that only the product writes about conversations (its audit trail:
not part of the import format, and left out of the funnel report). The spec's own types
(conversation.started, .replied, .closed, …) are the import format's: concierge.events.types."""

CONVERSATION_NOTE_ADDED = "conversation.note_added"
CONVERSATION_ASSIGNED = "conversation.assigned"
CONVERSATION_TAGGED = "conversation.tagged"
CONVERSATION_UNTAGGED = "conversation.untagged"
CONVERSATION_SNOOZED = "conversation.snoozed"
CONVERSATION_PRIORITIZED = "conversation.prioritized"
CONVERSATION_HANDED_OVER = "conversation.handed_over"  # the bot stepped back for the team
