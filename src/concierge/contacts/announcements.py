"""What the contacts' services announce (core.reactions), for the apps above that keep their own
rows in step: conversations move to the user a lead turned out to be, the log records the merge."""

from dataclasses import dataclass
from datetime import datetime

from concierge.core.reactions import Announcement


@dataclass(frozen=True)
class LeadMerged(Announcement):
    """A lead (an anonymous visitor) turned out to be a known user and was merged into them."""

    lead_id: int
    user_id: int
    lead_ref: str  # how the event log named the lead
    at: datetime


@dataclass(frozen=True)
class ContactRenamed(Announcement):
    """A contact's name or email address changed (what conversations are searched by)."""

    contact_id: int
