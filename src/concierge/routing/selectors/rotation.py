"""The support-day rotation read: who is on support for a team at an instant, the roster of a month,
and a teammate's support days. A roster day is a date in the team's zone (its office hours' zone,
else the workspace's), so "today" for a teammate in Europe and one in California is the team's day."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from concierge.core.errors import NotFound
from concierge.routing.models import RosterDay, RosterFeed, Rotation
from concierge.routing.selectors.hours import team_zone_name
from concierge.workspaces.models import Team, Teammate, Workspace


def rotation_of(team: Team) -> Rotation | None:
    return Rotation.objects.filter(workspace_id=team.workspace_id, team=team).first()


def team_day(team: Team, at: datetime) -> date:
    """The team's date at an instant."""
    return at.astimezone(ZoneInfo(team_zone_name(team.workspace, team))).date()


def teammates_on_support(team: Team, at: datetime) -> set[int] | None:
    """The ids of the teammates on support for the team at `at` (empty on a day nobody is: a holiday,
    a weekend, a day not generated yet); None when the team uses no rotation."""
    rotation = Rotation.objects.filter(workspace_id=team.workspace_id, team=team, is_active=True).first()
    if rotation is None:
        return None
    day = team_day(team, at)
    return set(RosterDay.objects.filter(rotation=rotation, day=day).values_list("teammate_id", flat=True))


def roster_between(rotation: Rotation, first_day: date, last_day: date) -> dict[date, RosterDay]:
    days = RosterDay.objects.filter(rotation=rotation, day__gte=first_day, day__lte=last_day).select_related(
        "teammate"
    )
    return {roster_day.day: roster_day for roster_day in days}


def rotation_order(rotation: Rotation) -> list[Teammate]:
    return [member.teammate for member in rotation.members.select_related("teammate").order_by("position")]


def rotations_of_workspace(workspace: Workspace) -> QuerySet[Rotation]:
    return Rotation.objects.filter(workspace=workspace).select_related("team").order_by("team__name")


@dataclass(frozen=True)
class RotatingTeam:
    """An active rotation's team, and the zone its roster's days are dates in."""

    rotation_id: int
    team: Team
    zone_name: str

    def day_at(self, at: datetime) -> date:
        return at.astimezone(ZoneInfo(self.zone_name)).date()


def rotating_teams(workspace: Workspace) -> list[RotatingTeam]:
    """Each active rotation's team with its zone, by team name."""
    return [
        RotatingTeam(rotation.pk, rotation.team, team_zone_name(workspace, rotation.team))
        for rotation in rotations_of_workspace(workspace).filter(is_active=True)
    ]


def on_support_on(workspace: Workspace, rotation_id: int, day: date) -> list[Teammate]:
    """Who the rotation's roster puts on support on `day` (a date in its team's zone)."""
    roster = RosterDay.objects.filter(workspace=workspace, rotation_id=rotation_id, day=day)
    return [roster_day.teammate for roster_day in roster.select_related("teammate")]


def support_days_of(teammate: Teammate, *, since: date) -> QuerySet[RosterDay]:
    return (
        RosterDay.objects.filter(workspace_id=teammate.workspace_id, teammate=teammate, day__gte=since)
        .select_related("rotation__team")
        .order_by("day")
    )


def feed_of(teammate: Teammate) -> RosterFeed | None:
    return RosterFeed.objects.filter(workspace_id=teammate.workspace_id, teammate=teammate).first()


def feed_by_token(workspace: Workspace, token: str) -> RosterFeed:
    """The feed a secret address names, in this workspace only: any other token is a NotFound."""
    feed = (
        RosterFeed.objects.filter(workspace=workspace, token=token, teammate__is_active=True)
        .select_related("teammate")
        .first()
        if token
        else None
    )
    if feed is None:
        raise NotFound("No such calendar feed.")
    return feed
