"""Writes for office hours and service-level targets: the workspace's, and a team's own. Each change
is audited (workspaces' audit trail) in its transaction."""

from datetime import date, time

from django.db import transaction

from concierge.core import dates as core_dates
from concierge.core.errors import InvalidInput
from concierge.core.text import clean_short_text
from concierge.core.zones import validate_zone_name
from concierge.routing.models import ClosedDay, OfficeHours, OfficeInterval, ServiceLevelTarget
from concierge.routing.selectors.hours import holiday_countries
from concierge.workspaces.models import Team, Workspace
from concierge.workspaces.services import SYSTEM, Actor, record_audit

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A target longer than a month of office time is a typo, not a promise.
LONGEST_TARGET_MINUTES = 60 * 24 * 31


def _check_team(workspace: Workspace, team: Team | None) -> None:
    if team is not None and team.workspace_id != workspace.pk:
        raise InvalidInput("That team belongs to another workspace.", field="team")


def _clean_interval(interval, index: int) -> tuple[int, time, time]:
    field = f"intervals[{index}]"
    try:
        weekday, starts, ends = interval
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field} must be a weekday, a start and an end.", field="intervals") from exc
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise InvalidInput(f"{field}: the weekday must be 0-6 (Monday-Sunday).", field="intervals")
    starts = core_dates.parse_wall_clock(starts, field="intervals")
    ends = core_dates.parse_wall_clock(ends, field="intervals")
    if ends != time(0) and ends <= starts:
        raise InvalidInput(
            f"{WEEKDAYS[weekday]} {starts:%H:%M}-{ends:%H:%M}: the end must come after the start "
            "(00:00 as an end means midnight).",
            field="intervals",
        )
    return weekday, starts, ends


def _end_minute(ends: time) -> int:
    return 24 * 60 if ends == time(0) else ends.hour * 60 + ends.minute


def clean_intervals(intervals) -> list[tuple[int, time, time]]:
    """Weekday intervals, checked: each ends after it starts and none overlaps another of its day."""
    cleaned = sorted(_clean_interval(interval, index) for index, interval in enumerate(intervals or []))
    for (day, _s, ends), (next_day, next_starts, _e) in zip(cleaned, cleaned[1:], strict=False):
        if day == next_day and next_starts.hour * 60 + next_starts.minute < _end_minute(ends):
            raise InvalidInput(f"Two intervals overlap on {WEEKDAYS[day]}.", field="intervals")
    return cleaned


def clean_holiday_calendar(country: str, subdivision: str) -> tuple[str, str]:
    country = (country or "").strip().upper()
    subdivision = (subdivision or "").strip().upper()
    if not country:
        if subdivision:
            raise InvalidInput("A region needs its country.", field="holiday_subdivision")
        return "", ""
    known = holiday_countries()
    if country not in known:
        raise InvalidInput(
            f"No holiday calendar for country '{country}': use an ISO code such as US, GB or DE.",
            field="holiday_country",
        )
    if subdivision and subdivision not in known[country]:
        raise InvalidInput(
            f"'{subdivision}' is not a region of {country}: one of {', '.join(known[country][:12])}…",
            field="holiday_subdivision",
        )
    return country, subdivision


def _intervals_for_audit(intervals) -> list[str]:
    return [f"{WEEKDAYS[day]} {starts:%H:%M}-{ends:%H:%M}" for day, starts, ends in intervals]


def set_office_hours(
    workspace: Workspace,
    *,
    team: Team | None = None,
    timezone_name: str,
    intervals,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    actor: Actor = SYSTEM,
) -> OfficeHours:
    """Replace the office hours of the workspace (team None) or of one team: `intervals` are
    (weekday 0-6, "09:00", "17:00") in `timezone_name`; holidays from the country's calendar."""
    _check_team(workspace, team)
    timezone_name = validate_zone_name(timezone_name)
    cleaned = clean_intervals(intervals)
    country, subdivision = clean_holiday_calendar(holiday_country, holiday_subdivision)
    with transaction.atomic():
        row = OfficeHours.objects.select_for_update().filter(workspace=workspace, team=team).first()
        before = _office_hours_for_audit(row) if row else None
        if row is None:
            row = OfficeHours.objects.create(
                workspace=workspace,
                team=team,
                timezone=timezone_name,
                holiday_country=country,
                holiday_subdivision=subdivision,
            )
        else:
            row.timezone, row.holiday_country, row.holiday_subdivision = timezone_name, country, subdivision
            row.save(update_fields=["timezone", "holiday_country", "holiday_subdivision"])
            row.intervals.all().delete()
        OfficeInterval.objects.bulk_create(
            OfficeInterval(workspace=workspace, office_hours=row, weekday=day, starts=starts, ends=ends)
            for day, starts, ends in cleaned
        )
        after = _office_hours_for_audit(row)
        changes = {
            key: [before and before[key], value]
            for key, value in after.items()
            if not before or before[key] != value
        }
        if changes:
            record_audit(
                workspace,
                "office_hours.set",
                actor=actor,
                target=team or workspace,
                target_label=_label(workspace, team),
                changes=changes,
            )
    return row


def _label(workspace: Workspace, team: Team | None) -> str:
    return f"Office hours of team {team.name}" if team else f"Office hours of {workspace.name}"


def _office_hours_for_audit(row: OfficeHours) -> dict:
    return {
        "timezone": row.timezone,
        "intervals": _intervals_for_audit(row.intervals.values_list("weekday", "starts", "ends")),
        "holidays": " ".join(filter(None, [row.holiday_country, row.holiday_subdivision])),
    }


def clear_team_office_hours(team: Team, *, actor: Actor = SYSTEM) -> bool:
    """The team keeps the workspace's office hours again. False when it had none of its own."""
    with transaction.atomic():
        row = OfficeHours.objects.filter(workspace_id=team.workspace_id, team=team).first()
        if row is None:
            return False
        record_audit(
            team.workspace,
            "office_hours.cleared",
            actor=actor,
            target=team,
            target_label=_label(team.workspace, team),
            changes={"timezone": [row.timezone, None]},
        )
        row.delete()
    return True


def add_closed_day(
    office_hours: OfficeHours, day: date, *, name: str = "", actor: Actor = SYSTEM
) -> ClosedDay:
    """A day the team is closed beyond the country's holidays."""
    day = core_dates.check_date(day, field="day")
    name = clean_short_text(name, field="name", max_length=120)
    with transaction.atomic():
        if office_hours.closed_days.filter(day=day).exists():
            raise InvalidInput(f"{day.isoformat()} is already a closed day.", field="day")
        closed = ClosedDay.objects.create(
            workspace_id=office_hours.workspace_id, office_hours=office_hours, day=day, name=name
        )
        record_audit(
            office_hours.workspace,
            "office_hours.closed_day_added",
            actor=actor,
            target=office_hours.team or office_hours.workspace,
            target_label=_label(office_hours.workspace, office_hours.team),
            changes={"closed_day": [None, f"{day.isoformat()} {name}".strip()]},
        )
    return closed


def remove_closed_day(closed: ClosedDay, *, actor: Actor = SYSTEM) -> None:
    office_hours = closed.office_hours
    with transaction.atomic():
        record_audit(
            office_hours.workspace,
            "office_hours.closed_day_removed",
            actor=actor,
            target=office_hours.team or office_hours.workspace,
            target_label=_label(office_hours.workspace, office_hours.team),
            changes={"closed_day": [f"{closed.day.isoformat()} {closed.name}".strip(), None]},
        )
        closed.delete()


def _clean_minutes(value, *, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LONGEST_TARGET_MINUTES:
        raise InvalidInput(
            f"{field} must be a whole number of minutes from 1 to {LONGEST_TARGET_MINUTES}, or empty for none.",
            field=field,
        )
    return value


def set_service_level_targets(
    workspace: Workspace,
    *,
    team: Team | None = None,
    first_response_minutes: int | None,
    next_response_minutes: int | None,
    actor: Actor = SYSTEM,
) -> ServiceLevelTarget:
    """The minutes of office time within which a new conversation gets its first answer, and a
    customer who writes again their next one; None: no target. Applies to conversations whose clock
    starts afterwards."""
    _check_team(workspace, team)
    first = _clean_minutes(first_response_minutes, field="first_response_minutes")
    following = _clean_minutes(next_response_minutes, field="next_response_minutes")
    with transaction.atomic():
        target = ServiceLevelTarget.objects.select_for_update().filter(workspace=workspace, team=team).first()
        before = (target.first_response_minutes, target.next_response_minutes) if target else (None, None)
        if target is None:
            target = ServiceLevelTarget.objects.create(
                workspace=workspace, team=team, first_response_minutes=first, next_response_minutes=following
            )
        else:
            target.first_response_minutes, target.next_response_minutes = first, following
            target.save(update_fields=["first_response_minutes", "next_response_minutes"])
        changes = {
            name: [old, new]
            for name, old, new in zip(
                ("first_response_minutes", "next_response_minutes"), before, (first, following), strict=True
            )
            if old != new
        }
        if changes:
            record_audit(
                workspace,
                "service_levels.set",
                actor=actor,
                target=team or workspace,
                target_label=f"Service levels of team {team.name}"
                if team
                else f"Service levels of {workspace.name}",
                changes=changes,
            )
    return target
