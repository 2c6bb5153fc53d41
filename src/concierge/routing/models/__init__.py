"""Routing's tables, one module per concern: rules and assignment (rules, assignment), the
support-day rotation (rotation), office hours and service levels (hours). Each module's models are
imported here so Django finds them."""

from concierge.routing.models.assignment import TeammateStatus, TeamRouting  # noqa: E402, F401
from concierge.routing.models.hours import (  # noqa: E402, F401
    ClosedDay,
    OfficeHours,
    OfficeInterval,
    ResponseTarget,
    ServiceLevelTarget,
)
from concierge.routing.models.rotation import RosterDay, RosterFeed, Rotation, RotationMember  # noqa: E402, F401
from concierge.routing.models.rules import Rule  # noqa: E402, F401
