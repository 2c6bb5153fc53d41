"""The support-day rotation: who is on support for a team at an instant.

Owned by the rotation's half of routing ("hours"), which fills this in; until then every team is
taken to use no rotation."""

from datetime import datetime

from concierge.workspaces.models import Team


def teammates_on_support(team: Team, at: datetime) -> set[int] | None:
    """The ids of the teammates on support for `team` at `at`; None when the team uses no rotation
    (then its every member may be on)."""
    return None
