"""Writes for when agents can host sessions: weekly hours (wall clock + zone), seasonal schedules,
date overrides and time off. Existing bookings are never moved by a change of hours."""

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction

from concierge.core import dates as core_dates
from concierge.core.errors import InvalidInput
from concierge.core.text import clean_short_text
from concierge.core.zones import validate_zone_name
from concierge.meetings.models import DateOverride, TimeOff, WeeklyHours
from concierge.workspaces.models import Teammate
from concierge.workspaces.services import SYSTEM, Actor, changed_fields, record_audit

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_wall_clock(value, *, field: str) -> time:
    """'09:30' or a time; seconds are not part of working hours."""
    return core_dates.parse_wall_clock(value, field=field)


def parse_weekday(value, *, field: str = "weekday") -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower())
    raise InvalidInput(f"{field} '{value}' must be 0-6 (Monday-Sunday) or a day's English name.", field=field)


def _clean_interval(interval, *, field: str) -> tuple[time, time]:
    try:
        start, end = interval
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field} must be pairs of start and end times.", field=field) from exc
    start = parse_wall_clock(start, field=field)
    end = parse_wall_clock(end, field=field)
    return start, end


def _intervals_text(rows) -> str:
    """'09:00-12:00, 13:00-17:00' (a date override's row without times: 'unavailable')."""
    return ", ".join(
        f"{row.start_time:%H:%M}-{row.end_time:%H:%M}" if row.start_time is not None else "unavailable"
        for row in sorted(rows, key=lambda row: (row.start_time is not None, row.start_time or time()))
    )


def _week_for_audit(rows) -> dict:
    """{"monday": "09:00-17:00", …, "timezone": "Europe/Paris"}: what the trail compares."""
    days: dict[int, list] = {}
    for row in rows:
        days.setdefault(row.weekday, []).append(row)
    week = {WEEKDAYS[day]: _intervals_text(days[day]) for day in sorted(days)}
    return {**week, "timezone": rows[0].timezone} if rows else {}


def _date_for_audit(rows) -> dict:
    return {"hours": _intervals_text(rows), "timezone": rows[0].timezone} if rows else {}


def set_weekly_hours(
    teammate: Teammate,
    hours: Iterable,
    *,
    timezone_name: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    actor: Actor = SYSTEM,
) -> list[WeeklyHours]:
    """Replace the teammate's weekly hours (or the seasonal schedule for exactly that date range).

    `hours` holds (weekday, start, end) triples, e.g. ("monday", "09:00", "17:00"). An end at or before
    its start runs past midnight; ("monday", "00:00", "00:00") is the whole day.
    """
    zone_name = validate_zone_name(timezone_name or teammate.timezone)
    for name, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        if value is not None:
            core_dates.check_date(value, field=name)
    if (valid_from is None) != (valid_until is None):
        raise InvalidInput("A seasonal schedule needs both valid_from and valid_until.", field="valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput("valid_until must not be before valid_from.", field="valid_until")
    rows = []
    for entry in hours:
        try:
            weekday, start, end = entry
        except (TypeError, ValueError) as exc:
            raise InvalidInput("Each entry of hours must be (weekday, start, end).", field="hours") from exc
        start, end = _clean_interval((start, end), field="hours")
        rows.append(
            WeeklyHours(
                workspace_id=teammate.workspace_id,
                teammate=teammate,
                weekday=parse_weekday(weekday),
                start_time=start,
                end_time=end,
                timezone=zone_name,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )
    with transaction.atomic():
        replaced = WeeklyHours.objects.filter(
            teammate=teammate, valid_from=valid_from, valid_until=valid_until
        )
        changes = changed_fields(_week_for_audit(list(replaced)), _week_for_audit(rows))
        replaced.delete()
        created = WeeklyHours.objects.bulk_create(rows)
        if changes:
            seasonal = valid_from is not None
            record_audit(
                teammate.workspace,
                "availability.seasonal_hours_set" if seasonal else "availability.weekly_hours_set",
                actor=actor,
                target=teammate,
                target_label=f"{teammate.name} · {valid_from} to {valid_until}"
                if seasonal
                else teammate.name,
                changes=changes,
            )
        return created


def set_seasonal_hours(
    teammate: Teammate,
    hours: Iterable,
    *,
    valid_from: date,
    valid_until: date,
    timezone_name: str | None = None,
    actor: Actor = SYSTEM,
) -> list[WeeklyHours]:
    """A schedule for a date range (summer hours, a season of longer days) that replaces the weekly
    hours on the dates it covers; weekdays it leaves out are off."""
    if valid_from is None or valid_until is None:
        raise InvalidInput("A seasonal schedule needs both valid_from and valid_until.", field="valid_from")
    return set_weekly_hours(
        teammate,
        hours,
        timezone_name=timezone_name,
        valid_from=valid_from,
        valid_until=valid_until,
        actor=actor,
    )


def set_date_override(
    teammate: Teammate,
    day: date,
    intervals: Iterable = (),
    *,
    timezone_name: str | None = None,
    actor: Actor = SYSTEM,
) -> list[DateOverride]:
    """Hours for one date that replace the week's; no intervals marks the date unavailable."""
    core_dates.check_date(day, field="date")
    zone_name = validate_zone_name(timezone_name or teammate.timezone)
    cleaned = [_clean_interval(interval, field="intervals") for interval in intervals]
    rows = [
        DateOverride(
            workspace_id=teammate.workspace_id,
            teammate=teammate,
            date=day,
            start_time=start,
            end_time=end,
            timezone=zone_name,
        )
        for start, end in cleaned
    ] or [DateOverride(workspace_id=teammate.workspace_id, teammate=teammate, date=day, timezone=zone_name)]
    with transaction.atomic():
        replaced = DateOverride.objects.filter(teammate=teammate, date=day)
        changes = changed_fields(_date_for_audit(list(replaced)), _date_for_audit(rows))
        replaced.delete()
        created = DateOverride.objects.bulk_create(rows)
        if changes:
            _record_date(teammate, day, "availability.date_override_set", actor, changes)
        return created


def clear_date_override(teammate: Teammate, day: date, *, actor: Actor = SYSTEM) -> None:
    """The date follows the weekly hours again; clearing a date without an override changes nothing."""
    with transaction.atomic():
        cleared = DateOverride.objects.filter(teammate=teammate, date=day)
        changes = changed_fields(_date_for_audit(list(cleared)), {})
        cleared.delete()
        if changes:
            _record_date(teammate, day, "availability.date_override_cleared", actor, changes)


def _record_date(teammate: Teammate, day: date, action: str, actor: Actor, changes: dict) -> None:
    record_audit(
        teammate.workspace,
        action,
        actor=actor,
        target=teammate,
        target_label=f"{teammate.name} · {day.isoformat()}",
        changes=changes,
    )


def add_time_off(
    teammate: Teammate, *, starts_at: datetime, ends_at: datetime, reason: str = "", actor: Actor = SYSTEM
) -> TimeOff:
    starts_at = core_dates.check_instant(starts_at, field="starts_at")
    ends_at = core_dates.check_instant(ends_at, field="ends_at")
    if ends_at <= starts_at:
        raise InvalidInput("Time off must end after it starts.", field="ends_at")
    reason = clean_short_text(reason, field="reason", max_length=200)
    with transaction.atomic():
        time_off = TimeOff.objects.create(
            workspace_id=teammate.workspace_id,
            teammate=teammate,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
        )
        record_audit(
            teammate.workspace,
            "availability.time_off_added",
            actor=actor,
            target=teammate,
            changes=changed_fields({}, _time_off_for_audit(time_off)),
        )
    return time_off


def _time_off_for_audit(time_off: TimeOff) -> dict:
    return {"starts_at": time_off.starts_at, "ends_at": time_off.ends_at, "reason": time_off.reason or None}


def remove_time_off(time_off: TimeOff, *, actor: Actor = SYSTEM) -> None:
    teammate = time_off.teammate
    with transaction.atomic():
        record_audit(
            teammate.workspace,
            "availability.time_off_removed",
            actor=actor,
            target=teammate,
            changes=changed_fields(_time_off_for_audit(time_off), {}),
        )
        time_off.delete()
