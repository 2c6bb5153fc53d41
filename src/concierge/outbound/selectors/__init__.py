"""Outbound's reads, the workspace first: messages and their figures (messages), deliveries
(deliveries), who an audience reaches (audience)."""

from concierge.outbound.selectors.audience import (
    audience_contacts,
    audience_size,
    clean_audience,
    in_audience,
)
from concierge.outbound.selectors.deliveries import deliveries_for_contact, delivery_of_contact
from concierge.outbound.selectors.messages import (
    figures_of,
    figures_of_messages,
    live_messages_for,
    message_by_id,
    message_by_ref,
    messages_by_ref,
    messages_of,
    page_matches,
)

__all__ = [
    "audience_contacts",
    "audience_size",
    "clean_audience",
    "deliveries_for_contact",
    "delivery_of_contact",
    "figures_of",
    "figures_of_messages",
    "in_audience",
    "live_messages_for",
    "message_by_id",
    "message_by_ref",
    "messages_by_ref",
    "messages_of",
    "page_matches",
]
