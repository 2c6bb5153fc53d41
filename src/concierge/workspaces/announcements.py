"""What the workspaces' services announce (core.reactions), for the apps above that keep their rows
in step: a deactivated teammate's open conversations go back to the unassigned queue."""

from dataclasses import dataclass
from datetime import datetime

from concierge.core.reactions import Announcement


@dataclass(frozen=True)
class TeammateDeactivated(Announcement):
    """A teammate was deactivated: they can no longer sign in or use the API; their history stays."""

    teammate_id: int
    at: datetime
