"""Writes to the support event log. `record_event` is how the product appends, inside the
transaction of the change it records; imports and the API append batches (services.importing)."""

from concierge.events.services.log import append_events, record_event

__all__ = ["append_events", "record_event"]
