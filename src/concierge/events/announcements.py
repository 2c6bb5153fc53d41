"""What the log's services announce (core.reactions), for the apps above that act on what a customer's
product tracked (proactive messages: event triggers and goals)."""

from dataclasses import dataclass
from datetime import datetime

from concierge.core.reactions import Announcement


@dataclass(frozen=True)
class ContactTracked(Announcement):
    """The customer's product tracked an event for a contact (Concierge('track', …) or the API)."""

    contact_id: int
    event_id: int
    name: str
    at: datetime
