"""A message's schedule as instants: each occurrence's day, and the instant its local time falls in a
zone (the contact's or the workspace's), right across a daylight-saving change (zoneinfo).

A local time that a spring-forward change skips (02:30 on the night clocks go from 02:00 to 03:00)
falls an hour later by the clock (03:30); one a fall-back change repeats is its first passing."""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from concierge.core.zones import zone

# The zones furthest ahead of and behind UTC: a day's local time passes first in one, last in the other.
EARLIEST = ZoneInfo("Etc/GMT-14")
LATEST = ZoneInfo("Etc/GMT+12")
MAX_OCCURRENCES = 5000


def local_instant(day: date, at: time, zone_name: str) -> datetime:
    """The instant `day` at `at` o'clock in the zone, in UTC. zoneinfo reads a local time with the
    offset in force before a change (fold 0): a skipped time lands an hour later by the clock, a
    repeated one on its first passing."""
    tz = zone(zone_name) if zone_name else UTC
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def _add_months(day: date, months: int, anchor_day: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def occurrences(first: date, repeat: str, until: date | None):
    """The schedule's days, in order: once, or every day, week or month (the 31st: each month's last
    day when shorter) until `until` (inclusive), at most MAX_OCCURRENCES."""
    for count in range(MAX_OCCURRENCES):
        if repeat == "once":
            day = first if count == 0 else None
        elif repeat == "daily":
            day = first + timedelta(days=count)
        elif repeat == "weekly":
            day = first + timedelta(weeks=count)
        else:
            day = _add_months(first, count, first.day)
        if day is None or (until is not None and day > until):
            return
        yield day


def occurrence_window(day: date, at: time) -> tuple[datetime, datetime]:
    """The first and last instants at which `day` at `at` o'clock comes, over every zone."""
    return local_instant(day, at, "Etc/GMT-14"), local_instant(day, at, "Etc/GMT+12")
