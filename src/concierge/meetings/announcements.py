"""What the 1:1 sessions' services announce (core.reactions): a booking made, moved or cancelled, for
the apps that react (notifications, the messenger, live calendars)."""

from dataclasses import dataclass
from datetime import datetime

from concierge.core.reactions import Announcement


@dataclass(frozen=True)
class BookingChanged(Announcement):
    """Any change to a booking's time or status: subscribe to this to hear every kind below."""

    booking_id: int
    contact_id: int
    agent_id: int
    starts_at: datetime
    at: datetime


@dataclass(frozen=True)
class BookingMade(BookingChanged):
    session_type_id: int


@dataclass(frozen=True)
class BookingRescheduled(BookingChanged):
    previous_starts_at: datetime
    by: str  # the side that moved it: "customer" or "agent"


@dataclass(frozen=True)
class BookingCancelled(BookingChanged):
    by: str  # "customer" or "agent"


@dataclass(frozen=True)
class BookingDeclined(BookingChanged):
    teammate_id: int
