"""Who of a team can take a conversation now, and why not: away, outside their working hours (their
1:1 sessions' availability, when they have set one), on time off, not on today's rotation, or full.
Also the team's queue: its open conversations that wait for a teammate, oldest first."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import RawQuerySet

from concierge.conversations.models import Conversation, OpenCount
from concierge.core.db import table
from concierge.meetings.models import DateOverride, TimeOff, WeeklyHours
from concierge.routing.models import Rotation, TeammateStatus, TeamRouting
from concierge.routing.selectors.rotation import teammates_on_support
from concierge.workspaces.models import Team, Teammate


@dataclass(frozen=True)
class Availability:
    teammate: Teammate
    open_count: int
    reason: str  # empty when they can take one; else why not, said for a person

    @property
    def available(self) -> bool:
        return not self.reason


def routing_of(team: Team) -> TeamRouting | None:
    """The team's assignment settings; None: assigned by hand, without a limit."""
    return TeamRouting.objects.filter(team=team).first()


def team_members(team: Team) -> QuerySet[Teammate]:
    return Teammate.objects.filter(workspace_id=team.workspace_id, teams=team)


def away_ids(workspace_id: int, teammate_ids) -> set[int]:
    return set(
        TeammateStatus.objects.filter(
            workspace_id=workspace_id, teammate_id__in=teammate_ids, away=True
        ).values_list("teammate_id", flat=True)
    )


def is_away(teammate: Teammate) -> bool:
    return TeammateStatus.objects.filter(teammate=teammate, away=True).exists()


def open_count_sql(member: str) -> str:
    """SQL for the open count of the teammate `member` names (team_availability's column): the count
    the database keeps (conversations.OpenCount), one row however many they have."""
    return f"COALESCE((SELECT c.open_count FROM {table(OpenCount)} c WHERE c.teammate_id = {member}), 0)"


def team_queue(team: Team) -> QuerySet:
    """The team's open conversations without a teammate, oldest first."""
    return Conversation.objects.filter(
        workspace_id=team.workspace_id, team=team, assignee__isnull=True, state="open"
    ).order_by("created_at", "id")


def team_availability(team: Team, at: datetime, *, routing: TeamRouting | None = None) -> list[Availability]:
    """Each active member of the team, in id order, with their open conversations and why they
    cannot take one now (empty when they can). One query for the members, whether each is away or on
    time off, keeps working hours, and their open count; the hours are read only for those who keep
    them, the roster only when the team uses a rotation."""
    members = list(_members_with_their_state(team, at))
    limit = routing.open_limit if routing else None
    keeping_hours = [m.pk for m in members if m.keeps_hours and not (m.is_away or m.is_on_time_off)]
    working = outside_working_hours(team.workspace_id, keeping_hours, at) if keeping_hours else {}
    on_support = teammates_on_support(team, at) if members and members[0].team_rotates else None
    found = []
    for member in members:
        reason = ""
        if member.is_away:
            reason = "away"
        elif member.is_on_time_off:
            reason = "on time off"
        elif member.pk in working:
            reason = working[member.pk]
        elif on_support is not None and member.pk not in on_support:
            reason = "not on support today"
        elif limit is not None and member.open_count >= limit:
            reason = f"full ({member.open_count} open of {limit})"
        found.append(Availability(member, member.open_count, reason))
    return found


def _members_with_their_state(team: Team, at: datetime) -> RawQuerySet:
    """The team's active members in id order, each with `is_away`, `is_on_time_off`, `keeps_hours`,
    `open_count`, and whether the team uses a rotation (`team_rotates`, the same on each). Plain SQL read into teammates: at every assignment, and Django takes ten times
    longer to build this query from subqueries than the database takes to answer it."""
    members = Team.members.through
    at_value = connection.ops.adapt_datetimefield_value(at)
    sql = (
        f"SELECT t.*,"
        f" EXISTS (SELECT 1 FROM {table(TeammateStatus)} s WHERE s.teammate_id = t.id AND s.away) AS is_away,"
        f" EXISTS (SELECT 1 FROM {table(TimeOff)} o"
        f"  WHERE o.teammate_id = t.id AND o.starts_at <= %s AND o.ends_at > %s) AS is_on_time_off,"
        f" EXISTS (SELECT 1 FROM {table(WeeklyHours)} h WHERE h.teammate_id = t.id) AS keeps_hours,"
        f" {open_count_sql('t.id')} AS open_count,"
        f" EXISTS (SELECT 1 FROM {table(Rotation)} r WHERE r.team_id = m.team_id AND r.is_active) AS team_rotates"
        f" FROM {table(Teammate)} t JOIN {table(members)} m ON m.teammate_id = t.id"
        f" WHERE m.team_id = %s AND t.workspace_id = %s AND t.is_active ORDER BY t.id"
    )
    return Teammate.objects.raw(sql, [at_value, at_value, team.pk, team.workspace_id])


def outside_working_hours(workspace_id: int, teammate_ids: list[int], at: datetime) -> dict[int, str]:
    """The teammates who are off at `at` by their availability (those who set weekly hours), on a
    date override without hours, or on time off; with the reason. Three queries for the whole team."""
    off = {
        teammate_id: "on time off"
        for teammate_id in TimeOff.objects.filter(
            workspace_id=workspace_id, teammate_id__in=teammate_ids, starts_at__lte=at, ends_at__gt=at
        ).values_list("teammate_id", flat=True)
    }
    hours: dict[int, list[WeeklyHours]] = {}
    for row in WeeklyHours.objects.filter(workspace_id=workspace_id, teammate_id__in=teammate_ids):
        hours.setdefault(row.teammate_id, []).append(row)
    overrides: dict[int, list[DateOverride]] = {}
    around = [(at - timedelta(days=1)).date(), at.date(), (at + timedelta(days=1)).date()]
    for row in DateOverride.objects.filter(
        workspace_id=workspace_id, teammate_id__in=teammate_ids, date__in=around
    ):
        overrides.setdefault(row.teammate_id, []).append(row)
    for teammate_id, rows in hours.items():
        if teammate_id not in off and not _is_working(rows, overrides.get(teammate_id, []), at):
            off[teammate_id] = "outside working hours"
    return off


def _is_working(rows: list[WeeklyHours], overrides: list[DateOverride], at: datetime) -> bool:
    zone = ZoneInfo(rows[0].timezone)
    local = at.astimezone(zone)
    # An interval that ends at or before its start runs into the next day: look at yesterday's too.
    for day in (local.date(), local.date() - timedelta(days=1)):
        for start, end in _intervals_on(day, rows, overrides):
            begins = datetime.combine(day, start, tzinfo=zone)
            ends = datetime.combine(day if end > start else day + timedelta(days=1), end, tzinfo=zone)
            if begins <= local < ends:
                return True
    return False


def _intervals_on(day: date, rows: list[WeeklyHours], overrides: list[DateOverride]) -> list[tuple]:
    """The working intervals of a date: its override's, else a season's weekly hours, else the weekly."""
    of_day = [o for o in overrides if o.date == day]
    if of_day:
        return [(o.start_time, o.end_time) for o in of_day if o.start_time and o.end_time]
    seasonal = [r for r in rows if r.valid_from and r.valid_until and r.valid_from <= day <= r.valid_until]
    chosen = seasonal or [r for r in rows if not (r.valid_from and r.valid_until)]
    return [(r.start_time, r.end_time) for r in chosen if r.weekday == day.weekday()]
