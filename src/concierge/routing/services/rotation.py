"""Writes for the support-day rotation: a team's order and pattern, the roster generated from them
(skipping holidays and each teammate's time off), swaps, one-off overrides, and each teammate's
secret calendar feed. Every change is audited in its transaction."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from concierge.core import dates as core_dates
from concierge.core.errors import InvalidInput
from concierge.meetings.models import TimeOff
from concierge.routing.models import RosterDay, RosterFeed, Rotation, RotationMember
from concierge.routing.models.rotation import new_feed_token
from concierge.routing.selectors.hours import Schedule, schedule_for, team_zone_name
from concierge.workspaces.models import Team, Teammate
from concierge.workspaces.services import SYSTEM, Actor, record_audit

Pattern = Rotation.Pattern
Origin = RosterDay.Origin
# A roster is planned a few months at a time; a year at once is the most one request writes.
LONGEST_GENERATION_DAYS = 366


def set_rotation(
    team: Team,
    *,
    order: list[Teammate],
    pattern: str = Pattern.EVERY_WEEKDAY,
    days_per_week: int = 1,
    is_active: bool = True,
    actor: Actor = SYSTEM,
) -> Rotation:
    """The team's rotation: who takes support days, in which order, and by which pattern. The roster
    is written by `generate_roster`."""
    if pattern not in Pattern.values:
        raise InvalidInput(f"pattern must be one of {', '.join(Pattern.values)}.", field="pattern")
    if isinstance(days_per_week, bool) or days_per_week not in (1, 2):
        raise InvalidInput("days_per_week must be 1 or 2.", field="days_per_week")
    if not order:
        raise InvalidInput("A rotation needs at least one teammate in its order.", field="order")
    if len({teammate.pk for teammate in order}) != len(order):
        raise InvalidInput("A teammate appears twice in the order.", field="order")
    for teammate in order:
        if teammate.workspace_id != team.workspace_id or not teammate.is_active:
            raise InvalidInput(f"{teammate.name} is not an active teammate of this workspace.", field="order")
    with transaction.atomic():
        rotation = Rotation.objects.select_for_update().filter(team=team).first()
        before = _rotation_for_audit(rotation) if rotation else {}
        if rotation is None:
            rotation = Rotation.objects.create(
                workspace_id=team.workspace_id,
                team=team,
                pattern=pattern,
                days_per_week=days_per_week,
                is_active=is_active,
            )
        else:
            rotation.pattern, rotation.days_per_week, rotation.is_active = pattern, days_per_week, is_active
            rotation.save(update_fields=["pattern", "days_per_week", "is_active"])
            rotation.members.all().delete()
        RotationMember.objects.bulk_create(
            RotationMember(
                workspace_id=team.workspace_id, rotation=rotation, teammate=teammate, position=index
            )
            for index, teammate in enumerate(order)
        )
        after = _rotation_for_audit(rotation)
        changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
        if changes:
            record_audit(team.workspace, "rotation.set", actor=actor, target=team, changes=changes)
    return rotation


def _rotation_for_audit(rotation: Rotation) -> dict:
    return {
        "pattern": rotation.pattern,
        "days_per_week": rotation.days_per_week,
        "active": rotation.is_active,
        "order": [member.teammate.name for member in rotation.members.select_related("teammate")],
    }


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)


def is_support_day(schedule: Schedule | None, day: date) -> bool:
    """A weekday that is not a holiday or closed day, with office hours when the team has any."""
    if day.weekday() >= 5:
        return False
    if schedule is None:
        return True
    if schedule.is_closed_on(day):
        return False
    return not schedule.has_hours or bool(schedule.intervals.get(day.weekday()))


def _time_off_by_teammate(teammates: list[Teammate], start: datetime, end: datetime) -> dict[int, list]:
    spans: dict[int, list[tuple[datetime, datetime]]] = {}
    rows = TimeOff.objects.filter(teammate__in=teammates, starts_at__lt=end, ends_at__gt=start)
    for teammate_id, starts_at, ends_at in rows.values_list("teammate_id", "starts_at", "ends_at"):
        spans.setdefault(teammate_id, []).append((starts_at, ends_at))
    return spans


def _is_away(time_off: list, day_spans: list[tuple[datetime, datetime]]) -> bool:
    """Away when their time off overlaps the team's hours that day (the whole day without hours)."""
    return any(
        off_start < end and off_end > start for off_start, off_end in time_off for start, end in day_spans
    )


def _scheduled_position(rotation: Rotation, day: date, turn: int, first_day: date, size: int) -> int:
    if rotation.pattern == Pattern.WEEKLY:
        first_monday = first_day - timedelta(days=first_day.weekday())
        return ((day - first_monday).days // 7) % size
    if rotation.pattern == Pattern.FIXED_DAYS:
        return (day.weekday() // rotation.days_per_week) % size
    return turn % size


def planned_roster(rotation: Rotation, first_day: date, last_day: date) -> dict[date, Teammate]:
    """Who the pattern puts on each support day from first_day to last_day; a teammate away that day
    is replaced by the next in the order who is not (nobody, when all are away). Every-weekday turns
    advance only on support days, so a holiday does not cost anyone their turn."""
    team = rotation.team
    order = [member.teammate for member in rotation.members.select_related("teammate").order_by("position")]
    if not order:
        return {}
    schedule = schedule_for(team.workspace, team)
    zone = ZoneInfo(team_zone_name(team.workspace, team))
    window_start, _ = _day_bounds(first_day, zone)
    _, window_end = _day_bounds(last_day, zone)
    time_off = _time_off_by_teammate(order, window_start, window_end)
    planned, turn = {}, 0
    day = first_day
    while day <= last_day:
        if is_support_day(schedule, day):
            spans = (schedule.open_spans(day) if schedule and schedule.has_hours else None) or [
                _day_bounds(day, zone)
            ]
            position = _scheduled_position(rotation, day, turn, first_day, len(order))
            for step in range(len(order)):
                candidate = order[(position + step) % len(order)]
                if not _is_away(time_off.get(candidate.pk, []), spans):
                    planned[day] = candidate
                    break
            turn += 1
        day += timedelta(days=1)
    return planned


def _check_range(first_day: date, last_day: date) -> None:
    core_dates.check_date(first_day, field="first_day")
    core_dates.check_date(last_day, field="last_day")
    if last_day < first_day:
        raise InvalidInput("The last day must not come before the first.", field="last_day")
    if (last_day - first_day).days >= LONGEST_GENERATION_DAYS:
        raise InvalidInput(f"Generate at most {LONGEST_GENERATION_DAYS} days at once.", field="last_day")


def generate_roster(rotation: Rotation, *, first_day: date, last_day: date, actor: Actor = SYSTEM) -> int:
    """Write the roster from first_day to last_day (the team's dates) from the order and pattern.
    Generated and swapped days in the range are replaced; one-off overrides are kept. Returns how
    many days have someone on support."""
    _check_range(first_day, last_day)
    with transaction.atomic():
        rotation = Rotation.objects.select_for_update().select_related("team__workspace").get(pk=rotation.pk)
        planned = planned_roster(rotation, first_day, last_day)
        in_range = RosterDay.objects.filter(rotation=rotation, day__gte=first_day, day__lte=last_day)
        kept = set(in_range.filter(origin=Origin.OVERRIDE).values_list("day", flat=True))
        in_range.exclude(origin=Origin.OVERRIDE).delete()
        RosterDay.objects.bulk_create(
            RosterDay(workspace_id=rotation.workspace_id, rotation=rotation, day=day, teammate=teammate)
            for day, teammate in planned.items()
            if day not in kept
        )
        record_audit(
            rotation.team.workspace,
            "rotation.generated",
            actor=actor,
            target=rotation.team,
            changes={"roster": [None, f"{first_day.isoformat()} to {last_day.isoformat()}"]},
        )
    return len(planned)


def _roster_day(rotation: Rotation, day: date) -> RosterDay:
    roster_day = (
        RosterDay.objects.select_for_update()
        .filter(rotation=rotation, day=day)
        .select_related("teammate")
        .first()
    )
    if roster_day is None:
        raise InvalidInput(f"Nobody is on support on {day.isoformat()} to swap with.", field="day")
    return roster_day


def swap_roster_days(rotation: Rotation, first: date, second: date, *, actor: Actor = SYSTEM) -> None:
    """Two teammates exchange their support days."""
    core_dates.check_date(first, field="first")
    core_dates.check_date(second, field="second")
    if first == second:
        raise InvalidInput("Choose two different days to swap.", field="second")
    with transaction.atomic():
        one, other = _roster_day(rotation, first), _roster_day(rotation, second)
        if one.teammate_id == other.teammate_id:
            raise InvalidInput(
                f"{one.teammate.name} is on support both days: nothing to swap.", field="second"
            )
        one.teammate, other.teammate = other.teammate, one.teammate
        one.origin = other.origin = Origin.SWAPPED
        RosterDay.objects.bulk_update([one, other], ["teammate", "origin"])
        record_audit(
            rotation.team.workspace,
            "rotation.swapped",
            actor=actor,
            target=rotation.team,
            changes={
                first.isoformat(): [other.teammate.name, one.teammate.name],
                second.isoformat(): [one.teammate.name, other.teammate.name],
            },
        )


def override_roster_day(
    rotation: Rotation, day: date, teammate: Teammate | None, *, actor: Actor = SYSTEM
) -> None:
    """Put someone else (or, with None, nobody) on support one day; generating again keeps it."""
    core_dates.check_date(day, field="day")
    if teammate is not None and (teammate.workspace_id != rotation.workspace_id or not teammate.is_active):
        raise InvalidInput("Choose an active teammate of this workspace.", field="teammate")
    with transaction.atomic():
        current = (
            RosterDay.objects.select_for_update()
            .filter(rotation=rotation, day=day)
            .select_related("teammate")
            .first()
        )
        was = current.teammate.name if current else None
        if teammate is None:
            RosterDay.objects.filter(rotation=rotation, day=day).delete()
        else:
            RosterDay.objects.update_or_create(
                rotation=rotation,
                day=day,
                defaults={
                    "teammate": teammate,
                    "origin": Origin.OVERRIDE,
                    "workspace_id": rotation.workspace_id,
                },
            )
        record_audit(
            rotation.team.workspace,
            "rotation.overridden",
            actor=actor,
            target=rotation.team,
            changes={day.isoformat(): [was, teammate.name if teammate else None]},
        )


def roster_feed_for(teammate: Teammate) -> RosterFeed:
    """The teammate's calendar feed, made the first time it is asked for."""
    with transaction.atomic():
        feed, _ = RosterFeed.objects.get_or_create(
            teammate=teammate, defaults={"workspace_id": teammate.workspace_id}
        )
    return feed


def renew_roster_feed(teammate: Teammate) -> RosterFeed:
    """A new secret address: the old one stops working (a link that leaked)."""
    with transaction.atomic():
        feed = roster_feed_for(teammate)
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed
