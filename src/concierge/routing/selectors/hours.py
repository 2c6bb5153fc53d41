"""Office hours as instants: is a team open at a moment, when does it open next, and what instant is
N minutes of office time after another (across nights, weekends, holidays and daylight-saving changes).

A team without office hours of its own keeps the workspace's; a workspace without any is always open
(every minute counts). Wall-clock intervals become instants day by day through zoneinfo, so an
interval on the day the clocks change lasts what the clock says it lasts (09:00-17:00 is eight hours
on any day; 01:00-04:00 on a spring-forward night is two)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

from concierge.routing.models import OfficeHours
from concierge.workspaces.models import Team, Workspace

# How far ahead to look for an opening: a schedule open one day a year still answers.
SEARCH_DAYS = 400


@dataclass(frozen=True)
class Schedule:
    """Office hours read once: the zone, the intervals of each weekday and the closed days."""

    zone_name: str
    intervals: dict[int, tuple[tuple[time, time], ...]]
    country: str
    subdivision: str
    closed: frozenset[date]
    office_hours_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday or the team's own closed day on `day`, by name; None on an ordinary day."""
        if day in self.closed:
            return "Closed"
        if self.country:
            return country_holidays(self.country, self.subdivision, day.year).get(day)
        return None

    def is_closed_on(self, day: date) -> bool:
        return self.holiday_name(day) is not None

    def open_spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's open intervals as UTC instants (none on a holiday)."""
        if self.is_closed_on(day):
            return []
        zone = self.zone
        spans = []
        for starts, ends in self.intervals.get(day.weekday(), ()):
            start = datetime.combine(day, starts, zone).astimezone(UTC)
            end_day = day + timedelta(days=1) if ends == time(0) else day
            end = datetime.combine(end_day, ends, zone).astimezone(UTC)
            if end > start:
                spans.append((start, end))
        return spans

    @property
    def has_hours(self) -> bool:
        return any(self.intervals.values())


@lru_cache(maxsize=256)
def country_holidays(country: str, subdivision: str, year: int) -> dict[date, str]:
    """A country's (and region's) public holidays of one year, by date."""
    calendar = holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year)
    return dict(calendar.items())


def holiday_countries() -> dict[str, list[str]]:
    """The countries the holiday calendars know, each with its regions (ISO codes)."""
    return holiday_calendars.list_supported_countries()


def office_hours_row(workspace: Workspace, team: Team | None = None) -> OfficeHours | None:
    """The office hours set for the team itself (or for the workspace, without a team)."""
    return OfficeHours.objects.filter(workspace=workspace, team=team).first()


def schedule_of(office_hours: OfficeHours) -> Schedule:
    intervals: dict[int, list[tuple[time, time]]] = {}
    for interval in office_hours.intervals.all():
        intervals.setdefault(interval.weekday, []).append((interval.starts, interval.ends))
    return Schedule(
        zone_name=office_hours.timezone,
        intervals={weekday: tuple(sorted(spans)) for weekday, spans in intervals.items()},
        country=office_hours.holiday_country,
        subdivision=office_hours.holiday_subdivision,
        closed=frozenset(office_hours.closed_days.values_list("day", flat=True)),
        office_hours_id=office_hours.pk,
    )


def schedule_for(workspace: Workspace, team: Team | None = None) -> Schedule | None:
    """The office hours that apply: the team's own, else the workspace's; None when neither is set."""
    if team is not None and team.workspace_id != workspace.pk:
        return None
    row = None
    if team is not None:
        row = _office_hours_with_parts(workspace, team)
    if row is None:
        row = _office_hours_with_parts(workspace, None)
    return schedule_of(row) if row is not None else None


def _office_hours_with_parts(workspace: Workspace, team: Team | None) -> OfficeHours | None:
    return (
        OfficeHours.objects.filter(workspace=workspace, team=team)
        .prefetch_related("intervals", "closed_days")
        .first()
    )


def team_zone_name(workspace: Workspace, team: Team | None = None) -> str:
    """The zone a team's days are counted in: the zone of the office hours that apply (as
    `schedule_for` finds them), else the workspace's. Reads the zone alone, not the schedule."""
    if team is not None and team.workspace_id != workspace.pk:
        return workspace.timezone
    for owner in (team, None) if team is not None else (None,):
        zone = (
            OfficeHours.objects.filter(workspace=workspace, team=owner)
            .values_list("timezone", flat=True)
            .first()
        )
        if zone is not None:
            return zone
    return workspace.timezone


def spans_from(schedule: Schedule, at: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open spans that end after `at`, in order, cut to start no earlier than `at`."""
    first_day = at.astimezone(schedule.zone).date() - timedelta(days=1)
    for offset in range(SEARCH_DAYS):
        for start, end in schedule.open_spans(first_day + timedelta(days=offset)):
            if end > at:
                yield max(start, at), end


def is_open(schedule: Schedule | None, at: datetime) -> bool:
    if schedule is None or not schedule.has_hours:
        return True
    day = at.astimezone(schedule.zone).date()
    return any(
        start <= at < end
        for offset in (-1, 0)
        for start, end in schedule.open_spans(day + timedelta(days=offset))
    )


def within_office_hours(workspace: Workspace, at: datetime, team: Team | None = None) -> bool:
    """True when the team (or the workspace) is open at `at`; always True without office hours."""
    return is_open(schedule_for(workspace, team), at)


def next_opening_in(schedule: Schedule | None, at: datetime) -> datetime | None:
    if schedule is None or not schedule.has_hours:
        return at
    for start, _end in spans_from(schedule, at):
        return start
    return None


def next_opening(workspace: Workspace, at: datetime, team: Team | None = None) -> datetime | None:
    """The instant the team is next open: `at` itself while open; None when it never opens again
    within a year (every day closed)."""
    return next_opening_in(schedule_for(workspace, team), at)


def add_office_minutes(schedule: Schedule | None, at: datetime, minutes: int) -> datetime | None:
    """The instant `minutes` of office time after `at`. Without office hours every minute counts.
    None when the schedule has no open time within a year."""
    if schedule is None or not schedule.has_hours:
        return at + timedelta(minutes=minutes)
    left = timedelta(minutes=minutes)
    for start, end in spans_from(schedule, at):
        if left <= end - start:
            return start + left
        left -= end - start
    return None


def office_minutes_between(schedule: Schedule | None, start: datetime, end: datetime) -> int:
    """Whole minutes of office time from `start` to `end`."""
    if end <= start:
        return 0
    if schedule is None or not schedule.has_hours:
        return int((end - start).total_seconds() // 60)
    total = timedelta()
    for span_start, span_end in spans_from(schedule, start):
        if span_start >= end:
            break
        total += min(span_end, end) - span_start
    return int(total.total_seconds() // 60)
