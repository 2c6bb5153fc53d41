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

from django.db.models import Q
from django.utils import timezone

from concierge.meetings.local_time import day_heading, is_night, local_hour
from concierge.meetings.models import Booking, DateOverride, SessionType, TimeOff, WeeklyHours
from concierge.workspaces.models import Teammate

Interval = tuple[datetime, datetime]


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


def bookable_window(session_type: SessionType, now: datetime | None = None) -> BookableWindow:
    now = now or timezone.now()
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
    now: datetime | None = None,
    agent_ids: Sequence[int] | None = None,
    ignore_bookings: bool = False,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    """Slots whose start lies in the bookable window and in [start, end], earliest first.

    `ignore_bookings` answers "would this time be offered at all?" (to tell a taken slot from one that
    never existed); `exclude_booking_id` leaves out the booking being rescheduled.
    """
    window = bookable_window(session_type, now)
    earliest = max(window.earliest, start) if start else window.earliest
    latest = min(window.latest, end) if end else window.latest
    if latest < earliest:
        return []
    hosts = list(agent_ids) if agent_ids is not None else host_ids(session_type)
    if not hosts:
        return []
    length = timedelta(minutes=session_type.length_minutes)
    step = timedelta(minutes=session_type.slot_step_minutes)
    blocked = length + timedelta(minutes=session_type.buffer_after_minutes)
    span_end = latest + blocked

    working = working_intervals_of(hosts, earliest, span_end)
    busy = busy_intervals_of(
        hosts,
        earliest,
        span_end,
        include_bookings=not ignore_bookings,
        exclude_booking_id=exclude_booking_id,
    )
    agents_by_start: dict[datetime, list[int]] = defaultdict(list)
    for agent_id in hosts:
        for slot_start in free_starts(
            working.get(agent_id, []),
            busy.get(agent_id, []),
            length=length,
            step=step,
            blocked=blocked,
            earliest=earliest,
            latest=latest,
        ):
            agents_by_start[slot_start].append(agent_id)
    return [
        Slot(start=slot_start, end=slot_start + length, agent_ids=tuple(agents))
        for slot_start, agents in sorted(agents_by_start.items())
    ]


def free_starts(
    working: Sequence[Interval],
    busy: Sequence[Interval],
    *,
    length: timedelta,
    step: timedelta,
    blocked: timedelta,
    earliest: datetime,
    latest: datetime,
) -> list[datetime]:
    """One host's free slot starts. `working` and `busy` are sorted and merged (disjoint)."""
    starts: list[datetime] = []
    next_busy = 0
    for work_start, work_end in working:
        if work_end - length < earliest:
            continue
        if work_start > latest:
            break
        slot_start = _first_step_at_or_after(work_start, step, earliest)
        while slot_start + length <= work_end and slot_start <= latest:
            while next_busy < len(busy) and busy[next_busy][1] <= slot_start:
                next_busy += 1
            if next_busy < len(busy) and busy[next_busy][0] < slot_start + blocked:
                slot_start = _first_step_at_or_after(work_start, step, busy[next_busy][1])
                continue
            starts.append(slot_start)
            slot_start += step
    return starts


def _first_step_at_or_after(origin: datetime, step: timedelta, instant: datetime) -> datetime:
    if instant <= origin:
        return origin
    steps = -((origin - instant) // step)  # ceiling division of timedeltas
    return origin + steps * step


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[list[datetime]] = []
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


def wall_clock_interval(day: date, start: time, end: time, zone_name: str) -> Interval:
    """Wall-clock times on a date in a zone as UTC instants. An end at or before the start is on the
    next day. A wall time skipped by a spring-forward change is read with the offset before it."""
    zone = _zone(zone_name)
    end_day = day if end > start else day + timedelta(days=1)
    return (
        datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
        datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC),
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
    weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for row in WeeklyHours.objects.filter(teammate_id__in=agent_ids).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last_day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
    ):
        weekly[row.teammate_id].append(row)
    overrides: dict[tuple[int, date], list[DateOverride]] = defaultdict(list)
    for row in DateOverride.objects.filter(
        teammate_id__in=agent_ids, date__gte=first_day, date__lte=last_day
    ):
        overrides[(row.teammate_id, row.date)].append(row)

    result: dict[int, list[Interval]] = {}
    for agent_id in agent_ids:
        rows = weekly.get(agent_id, [])
        seasonal = [row for row in rows if row.valid_from or row.valid_until]
        regular = [row for row in rows if not (row.valid_from or row.valid_until)]
        intervals: list[Interval] = []
        for day in _dates_between(first_day, last_day):
            day_overrides = overrides.get((agent_id, day))
            if day_overrides is not None:
                intervals.extend(
                    wall_clock_interval(day, row.start_time, row.end_time, row.timezone)
                    for row in day_overrides
                    if row.start_time is not None and row.end_time is not None
                )
                continue
            season = [row for row in seasonal if _covers(row, day)]
            for row in season or regular:
                if row.weekday == day.weekday():
                    intervals.append(wall_clock_interval(day, row.start_time, row.end_time, row.timezone))
        result[agent_id] = [
            interval for interval in merge_intervals(intervals) if interval[1] > start and interval[0] < end
        ]
    return result


def _covers(row: WeeklyHours, day: date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (
        row.valid_until is None or day <= row.valid_until
    )


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
            "agent_id", "starts_at", "blocked_until"
        ):
            busy[agent_id].append((booking_start, booking_end))
    for agent_id, off_start, off_end in TimeOff.objects.filter(
        teammate_id__in=agent_ids, starts_at__lt=end, ends_at__gt=start
    ).values_list("teammate_id", "starts_at", "ends_at"):
        busy[agent_id].append((off_start, off_end))
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
