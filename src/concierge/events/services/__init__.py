"""Writes to the support event log. `record_event` is how the product appends, inside the
transaction of the change it records; imports and the API append batches (services.importing).
`track_contact_event` records what a customer's product tracked and announces it."""

from concierge.events.services.log import append_events, record_event
from concierge.events.services.tracking import track_contact_event

__all__ = ["append_events", "record_event", "track_contact_event"]
