"""Free slots of a session type: when at least one host is working and free, and how many are.

How it is computed (five queries, then plain interval arithmetic):

1. The hosts: the host team's active members, or the explicit pool.
2. Each host's working intervals, from wall-clock hours in their zone turned into instants date by
   date (a date override replaces that date; a seasonal schedule replaces the weekly hours on the
   dates it covers), so daylight-saving changes in the host's zone fall where they belong.
3. Each host's busy intervals: blocking bookings (start to end plus buffer) and time off.
4. Slot starts step from the start of each working interval; a start is free for a host when the
   session fits in the working interval and [start, end + buffer) meets none of their busy time.
5. Slots of all hosts are merged: a slot's capacity is the number of hosts free for it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import ngettext

from concierge.core.db import EpochSeconds
from concierge.core.zones import babel_locale, django_language
from concierge.meetings.local_time import day_heading, is_night, local_hour
from concierge.meetings.models import Booking, DateOverride, SessionType, TimeOff, WeeklyHours
from concierge.workspaces.models import Teammate


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    agent_ids: tuple[int, ...]

    @property
    def capacity(self) -> int:
        return len(self.agent_ids)


@dataclass(frozen=True)
class BookableWindow:
    """Slot starts a customer may pick now: after the minimum notice, within the horizon."""

    earliest: datetime
    latest: datetime


def bookable_window(session_type: SessionType, at: datetime | None = None) -> BookableWindow:
    now = at or timezone.now()
    if session_type.horizon == SessionType.Horizon.ON_DEMAND:
        latest = now + timedelta(hours=session_type.on_demand_hours)
    else:
        latest = now + timedelta(days=session_type.horizon_days)
    return BookableWindow(
        earliest=now + timedelta(minutes=session_type.minimum_notice_minutes), latest=latest
    )


def host_ids(session_type: SessionType) -> list[int]:
    """Active teammates who host this session type: the team's members, or the explicit pool."""
    if session_type.host_team_id:
        hosts = Teammate.objects.filter(teams=session_type.host_team_id)
    else:
        hosts = session_type.hosts.all()
    return sorted(
        hosts.filter(workspace_id=session_type.workspace_id, is_active=True).values_list("id", flat=True)
    )


def free_slots(
    session_type: SessionType,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    at: datetime | None = None,
    agent_ids: Sequence[int] | None = None,
    ignore_bookings: bool = False,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    """Slots whose start lies in the bookable window and in [start, end], earliest first.

    `ignore_bookings` answers "would this time be offered at all?" (to tell a taken slot from one that
    never existed); `exclude_booking_id` leaves out the booking being rescheduled.
    """
    window = bookable_window(session_type, at)
    earliest = max(window.earliest, start) if start else window.earliest
    latest = min(window.latest, end) if end else window.latest
    if latest < earliest:
        return []
    hosts = list(agent_ids) if agent_ids is not None else host_ids(session_type)
    if not hosts:
        return []
    length = session_type.length_minutes * 60
    step = session_type.slot_step_minutes * 60
    blocked = length + session_type.buffer_after_minutes * 60
    first, last = _seconds(earliest), _seconds(latest)
    span_end = latest + timedelta(seconds=blocked)

    working = working_intervals_of(hosts, earliest, span_end)
    busy = busy_intervals_of(
        hosts,
        earliest,
        span_end,
        include_bookings=not ignore_bookings,
        exclude_booking_id=exclude_booking_id,
    )
    agents_by_start: dict[int, list[int]] = defaultdict(list)
    for agent_id in hosts:
        for slot_start in free_starts(
            working.get(agent_id, []),
            busy.get(agent_id, []),
            length=length,
            step=step,
            blocked=blocked,
            earliest=first,
            latest=last,
        ):
            agents_by_start[slot_start].append(agent_id)
    return [
        Slot(start=_instant(slot_start), end=_instant(slot_start + length), agent_ids=tuple(agents))
        for slot_start, agents in sorted(agents_by_start.items())
    ]


# Intervals are (start, end) in whole seconds since the epoch: the arithmetic over thousands of
# candidate starts stays cheap, and instants are made only for the slots returned.
Interval = tuple[int, int]


def _seconds(instant: datetime) -> int:
    return int(instant.timestamp())


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def free_starts(
    working: Sequence[Interval],
    busy: Sequence[Interval],
    *,
    length: int,
    step: int,
    blocked: int,
    earliest: int,
    latest: int,
) -> list[int]:
    """One host's free slot starts (seconds). `working` and `busy` are sorted and merged (disjoint)."""
    starts: list[int] = []
    next_busy = 0
    busy_count = len(busy)
    for work_start, work_end in working:
        if work_end - length < earliest:
            continue
        if work_start > latest:
            break
        slot_start = _first_step_at_or_after(work_start, step, earliest)
        while slot_start + length <= work_end and slot_start <= latest:
            while next_busy < busy_count and busy[next_busy][1] <= slot_start:
                next_busy += 1
            if next_busy < busy_count and busy[next_busy][0] < slot_start + blocked:
                slot_start = _first_step_at_or_after(work_start, step, busy[next_busy][1])
                continue
            starts.append(slot_start)
            slot_start += step
    return starts


def _first_step_at_or_after(origin: int, step: int, instant: int) -> int:
    if instant <= origin:
        return origin
    return origin - ((origin - instant) // step) * step  # origin + ceil((instant - origin) / step) steps


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


# Working hours ------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=8192)
def wall_clock_interval(day: date, start: time, end: time, zone_name: str) -> Interval:
    """Wall-clock times on a date in a zone as instants (seconds). An end at or before the start is on
    the next day. A wall time skipped by a spring-forward change is read with the offset before it."""
    zone = _zone(zone_name)
    end_day = day if end > start else day + timedelta(days=1)
    return (
        int(datetime.combine(day, start, tzinfo=zone).timestamp()),
        int(datetime.combine(end_day, end, tzinfo=zone).timestamp()),
    )


def _dates_between(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def working_intervals_of(
    agent_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """Each agent's working time overlapping [start, end), merged and sorted."""
    # A day in any zone lies within a day either side of the UTC date.
    first_day = (start - timedelta(days=1)).date()
    last_day = (end + timedelta(days=1)).date()
    lower, upper = _seconds(start), _seconds(end)
    weekly: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        WeeklyHours.objects.filter(teammate_id__in=agent_ids)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=last_day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
        )
        .values_list(
            "teammate_id", "weekday", "start_time", "end_time", "timezone", "valid_from", "valid_until"
        )
    ):
        weekly[row[0]].append(row[1:])
    overrides: dict[tuple[int, date], list[tuple]] = defaultdict(list)
    for teammate_id, day, start_time, end_time, zone_name in DateOverride.objects.filter(
        teammate_id__in=agent_ids, date__gte=first_day, date__lte=last_day
    ).values_list("teammate_id", "date", "start_time", "end_time", "timezone"):
        overrides[(teammate_id, day)].append((start_time, end_time, zone_name))

    days = list(_dates_between(first_day, last_day))
    result: dict[int, list[Interval]] = {}
    for agent_id in agent_ids:
        rows = weekly.get(agent_id, [])
        seasonal = [row for row in rows if row[4] or row[5]]
        regular_by_weekday: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            if not (row[4] or row[5]):
                regular_by_weekday[row[0]].append(row)
        intervals: list[Interval] = []
        for day in days:
            day_overrides = overrides.get((agent_id, day))
            if day_overrides is not None:
                intervals.extend(
                    wall_clock_interval(day, start_time, end_time, zone_name)
                    for start_time, end_time, zone_name in day_overrides
                    if start_time is not None and end_time is not None
                )
                continue
            weekday = day.weekday()
            season = [row for row in seasonal if _covers(row[4], row[5], day)] if seasonal else None
            for row in (
                [r for r in season if r[0] == weekday] if season else regular_by_weekday.get(weekday, ())
            ):
                intervals.append(wall_clock_interval(day, row[1], row[2], row[3]))
        result[agent_id] = [
            interval for interval in merge_intervals(intervals) if interval[1] > lower and interval[0] < upper
        ]
    return result


def _covers(valid_from: date | None, valid_until: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until)


# Busy time ----------------------------------------------------------------------------------------


def busy_intervals_of(
    agent_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    include_bookings: bool = True,
    exclude_booking_id: int | None = None,
) -> dict[int, list[Interval]]:
    """Each agent's blocking bookings (with their buffer) and time off overlapping [start, end)."""
    busy: dict[int, list[Interval]] = defaultdict(list)
    if include_bookings:
        bookings = Booking.objects.filter(
            agent_id__in=agent_ids,
            status__in=Booking.BLOCKING_STATUSES,
            starts_at__lt=end,
            blocked_until__gt=start,
        )
        if exclude_booking_id is not None:
            bookings = bookings.exclude(pk=exclude_booking_id)
        for agent_id, booking_start, booking_end in bookings.values_list(
            "agent_id", EpochSeconds("starts_at"), EpochSeconds("blocked_until")
        ):
            busy[agent_id].append((booking_start, booking_end))
    for agent_id, off_start, off_end in TimeOff.objects.filter(
        teammate_id__in=agent_ids, starts_at__lt=end, ends_at__gt=start
    ).values_list("teammate_id", "starts_at", "ends_at"):
        busy[agent_id].append((_seconds(off_start), _seconds(off_end)))
    return {agent_id: merge_intervals(intervals) for agent_id, intervals in busy.items()}


# Presentation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotChoice:
    start: datetime
    value: str  # ISO 8601 with the customer's offset: what a form posts back
    label: str  # "2:00 PM" in the customer's zone and language
    night: bool
    capacity: int


@dataclass(frozen=True)
class SlotDay:
    day: date
    heading: str  # "Tuesday 3 March"
    slots: list[SlotChoice]


def slots_by_local_day(slots: Sequence[Slot], zone_name: str, locale: str | None) -> list[SlotDay]:
    """Slots grouped by the customer's calendar day, labelled in their zone and language."""
    zone = _zone(zone_name)
    days: dict[date, list[SlotChoice]] = defaultdict(list)
    for slot in slots:
        local = slot.start.astimezone(zone)
        days[local.date()].append(
            SlotChoice(
                start=slot.start,
                value=local.isoformat(),
                label=local_hour(slot.start, zone_name, locale),
                night=is_night(slot.start, zone_name),
                capacity=slot.capacity,
            )
        )
    return [
        SlotDay(day=day, heading=day_heading(day, locale), slots=choices)
        for day, choices in sorted(days.items())
    ]


@dataclass(frozen=True)
class CalendarDay:
    day: date
    number: int
    free: int  # free times that day
    label: str  # "Thursday 3 December: 12 free times", what a screen reader says for the link
    chosen: bool


@dataclass(frozen=True)
class MonthCalendar:
    """One month of the customer's calendar: weeks from the locale's first weekday; a cell outside
    the month is None. `previous` and `following` are the first days of the months either side, when
    they have free times."""

    month: date
    title: str  # "December 2026"
    weekdays: list[tuple[str, str]]  # ("Mon", "Monday"), from the locale's first weekday
    weeks: list[list[CalendarDay | None]]
    previous: date | None
    previous_title: str
    following: date | None
    following_title: str


def _first_of_next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _first_of_previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_calendar(
    days: Sequence[SlotDay], month: date, chosen: date | None, locale: str | None
) -> MonthCalendar:
    """The month holding `month` as a grid of days, each day with free times counted and labelled in
    the customer's language (`days` from slots_by_local_day)."""
    loc = babel_locale(locale)
    month = month.replace(day=1)
    following = _first_of_next_month(month)
    free = {slot_day.day: len(slot_day.slots) for slot_day in days}
    first_weekday = loc.first_week_day
    weekday_order = [(first_weekday + offset) % 7 for offset in range(7)]
    weeks: list[list[CalendarDay | None]] = []
    day = month - timedelta(days=(month.weekday() - first_weekday) % 7)
    with translation.override(django_language(locale)):
        while day < following:
            week: list[CalendarDay | None] = []
            for _ in range(7):
                if day.month != month.month:
                    week.append(None)
                else:
                    count = free.get(day, 0)
                    heading = day_heading(day, locale)
                    label = (
                        ngettext("%(day)s: %(count)s free time", "%(day)s: %(count)s free times", count)
                        % {"day": heading, "count": count}
                        if count
                        else heading
                    )
                    week.append(
                        CalendarDay(day=day, number=day.day, free=count, label=label, chosen=day == chosen)
                    )
                day += timedelta(days=1)
            weeks.append(week)
    previous = _first_of_previous_month(month)
    return MonthCalendar(
        month=month,
        title=month_title(month, locale),
        weekdays=[
            (loc.days["stand-alone"]["abbreviated"][index], loc.days["format"]["wide"][index])
            for index in weekday_order
        ],
        weeks=weeks,
        previous=previous if any(free_day < month for free_day in free) else None,
        previous_title=month_title(previous, locale),
        following=following if any(free_day >= following for free_day in free) else None,
        following_title=month_title(following, locale),
    )


def month_title(month: date, locale: str | None) -> str:
    """'December 2026' in the person's language."""
    return format_skeleton("yMMMM", month, locale=babel_locale(locale))
