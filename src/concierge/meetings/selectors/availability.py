"""Reads of a teammate's availability for their page: weekly hours, seasons, upcoming overrides and
time off."""

from collections import defaultdict
from datetime import date, datetime

from concierge.core.errors import NotFound
from concierge.meetings.models import DateOverride, TimeOff, WeeklyHours
from concierge.workspaces.models import Teammate, Workspace


def weekly_hours_by_day(teammate: Teammate) -> dict[int, list[WeeklyHours]]:
    """The plain weekly schedule (no season), by weekday (Monday 0)."""
    days: dict[int, list[WeeklyHours]] = defaultdict(list)
    for row in WeeklyHours.objects.filter(
        teammate=teammate, valid_from__isnull=True, valid_until__isnull=True
    ).order_by("weekday", "start_time"):
        days[row.weekday].append(row)
    return days


def seasons(teammate: Teammate) -> dict[tuple[date, date], list[WeeklyHours]]:
    by_range: dict[tuple[date, date], list[WeeklyHours]] = defaultdict(list)
    for row in WeeklyHours.objects.filter(teammate=teammate, valid_from__isnull=False).order_by(
        "valid_from", "weekday", "start_time"
    ):
        by_range[(row.valid_from, row.valid_until)].append(row)
    return dict(by_range)


def upcoming_date_overrides(teammate: Teammate, today: date) -> dict[date, list[DateOverride]]:
    by_date: dict[date, list[DateOverride]] = defaultdict(list)
    for row in DateOverride.objects.filter(teammate=teammate, date__gte=today).order_by("date", "start_time"):
        by_date[row.date].append(row)
    return dict(by_date)


def upcoming_time_off(teammate: Teammate, now: datetime):
    return TimeOff.objects.filter(teammate=teammate, ends_at__gt=now).order_by("starts_at")


def time_off_by_id(workspace: Workspace, time_off_id: int) -> TimeOff:
    time_off = TimeOff.objects.filter(workspace=workspace, pk=time_off_id).select_related("teammate").first()
    if time_off is None:
        raise NotFound(f"No time off with id {time_off_id} in this workspace.")
    return time_off
