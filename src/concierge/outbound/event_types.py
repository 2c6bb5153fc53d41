"""The support log's event types outbound writes: the import format's own (events.types), each with
`message` = the message's ref; outbound.reacted carries data {"reaction": emoji}."""

from concierge.events.types import OUTBOUND_CLICKED, OUTBOUND_OPENED, OUTBOUND_REACTED, OUTBOUND_SENT

# A contact met a message's goal (data {"goal": "event"|"attribute", "name": ...}); the product's own.
OUTBOUND_GOAL_MET = "outbound.goal_met"

__all__ = ["OUTBOUND_CLICKED", "OUTBOUND_GOAL_MET", "OUTBOUND_OPENED", "OUTBOUND_REACTED", "OUTBOUND_SENT"]
