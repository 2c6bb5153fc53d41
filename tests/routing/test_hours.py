"""Office hours as instants: open or not, the next opening, and minutes of office time added across
nights, weekends, holidays and daylight-saving changes in Europe and the US."""

from datetime import UTC, date, datetime

import pytest

from concierge.core.errors import InvalidInput
from concierge.routing.models import OfficeHours
from concierge.routing.selectors.hours import (
    add_office_minutes,
    next_opening,
    office_minutes_between,
    schedule_for,
    within_office_hours,
)
from concierge.routing.services.hours import add_closed_day, set_office_hours
from concierge.workspaces.models import AuditEntry

from .conftest import BERLIN, WEEKDAYS_9_TO_5, new_york


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_without_office_hours_every_minute_counts(workspace):
    at = utc(2025, 3, 8, 23, 0)
    assert within_office_hours(workspace, at) is True
    assert next_opening(workspace, at) == at
    assert add_office_minutes(schedule_for(workspace), at, 90) == utc(2025, 3, 9, 0, 30)


def test_open_closed_and_next_opening(workspace, office_hours):
    assert within_office_hours(workspace, new_york(2025, 3, 12, 9, 0))
    assert not within_office_hours(workspace, new_york(2025, 3, 12, 17, 0))
    # Friday evening: back on Monday at 9, New York time.
    assert next_opening(workspace, new_york(2025, 3, 14, 18, 0)) == new_york(2025, 3, 17, 9, 0)
    # Thursday 3 July after hours: Friday is Independence Day.
    assert next_opening(workspace, new_york(2025, 7, 3, 20, 0)) == new_york(2025, 7, 7, 9, 0)


def test_minutes_across_a_weekend_and_the_us_clock_change(workspace, office_hours):
    schedule = schedule_for(workspace)
    # Friday 31 October 16:30 EDT; the clocks go back on Sunday 2 November.
    due = add_office_minutes(schedule, new_york(2025, 10, 31, 16, 30), 60)
    assert due == new_york(2025, 11, 3, 9, 30)
    assert due == utc(2025, 11, 3, 14, 30)  # EST: UTC-5, where Friday was UTC-4
    # Spring: Friday 7 March 16:00 EST to Monday 10 March (EDT).
    assert add_office_minutes(schedule, new_york(2025, 3, 7, 16, 0), 120) == utc(2025, 3, 10, 14, 0)


def test_minutes_across_a_holiday(workspace, office_hours):
    due = add_office_minutes(schedule_for(workspace), new_york(2025, 7, 3, 16, 0), 120)
    assert due == new_york(2025, 7, 7, 10, 0)


def test_minutes_across_the_european_clock_change_and_a_german_holiday(workspace):
    set_office_hours(
        workspace, timezone_name="Europe/Berlin", intervals=WEEKDAYS_9_TO_5, holiday_country="DE"
    )
    schedule = schedule_for(workspace)
    # Friday 28 March 16:00 CET (UTC+1); clocks go forward on Sunday 30 March; Monday is CEST (UTC+2).
    assert add_office_minutes(schedule, datetime(2025, 3, 28, 16, 0, tzinfo=BERLIN), 120) == utc(
        2025, 3, 31, 8, 0
    )
    # Thursday 2 October 16:00: Friday 3 October is German Unity Day.
    assert add_office_minutes(schedule, datetime(2025, 10, 2, 16, 0, tzinfo=BERLIN), 120) == datetime(
        2025, 10, 6, 10, 0, tzinfo=BERLIN
    )


def test_a_day_the_clocks_go_forward_is_23_hours_long(workspace):
    set_office_hours(workspace, timezone_name="America/New_York", intervals=[(6, "00:00", "00:00")])
    schedule = schedule_for(workspace)
    assert (
        office_minutes_between(schedule, new_york(2025, 3, 9, 0, 0), new_york(2025, 3, 10, 0, 0)) == 23 * 60
    )
    assert (
        office_minutes_between(schedule, new_york(2025, 11, 2, 0, 0), new_york(2025, 11, 3, 0, 0)) == 25 * 60
    )


def test_several_intervals_a_day_and_a_teams_own_hours(workspace, team, office_hours):
    set_office_hours(
        workspace,
        team=team,
        timezone_name="Europe/Berlin",
        intervals=[(0, "08:00", "12:00"), (0, "13:00", "16:00")],
    )
    at = datetime(2025, 3, 10, 12, 30, tzinfo=BERLIN)
    assert not within_office_hours(workspace, at, team=team)
    assert not within_office_hours(workspace, at)  # 07:30 in New York
    assert within_office_hours(workspace, datetime(2025, 3, 10, 15, 30, tzinfo=BERLIN))  # 10:30 there
    assert within_office_hours(workspace, datetime(2025, 3, 10, 15, 30, tzinfo=BERLIN), team=team)
    assert add_office_minutes(
        schedule_for(workspace, team), datetime(2025, 3, 10, 11, 0, tzinfo=BERLIN), 120
    ) == datetime(2025, 3, 10, 14, 0, tzinfo=BERLIN)


def test_a_teams_closed_day(workspace, office_hours):
    add_closed_day(office_hours, date(2025, 3, 12), name="Offsite")
    assert not within_office_hours(workspace, new_york(2025, 3, 12, 10, 0))
    assert next_opening(workspace, new_york(2025, 3, 12, 10, 0)) == new_york(2025, 3, 13, 9, 0)
    with pytest.raises(InvalidInput):
        add_closed_day(office_hours, date(2025, 3, 12))


@pytest.mark.parametrize(
    "intervals, zone, country, field",
    [
        ([(0, "17:00", "09:00")], "America/New_York", "", "intervals"),
        ([(0, "09:00", "12:00"), (0, "11:00", "13:00")], "America/New_York", "", "intervals"),
        ([(7, "09:00", "12:00")], "America/New_York", "", "intervals"),
        ([(0, "9am", "12:00")], "America/New_York", "", "intervals"),
        (WEEKDAYS_9_TO_5, "Mars/Olympus", "", "timezone"),
        (WEEKDAYS_9_TO_5, "America/New_York", "XX", "holiday_country"),
    ],
)
def test_bad_office_hours_are_refused_and_change_nothing(workspace, intervals, zone, country, field):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        set_office_hours(workspace, timezone_name=zone, intervals=intervals, holiday_country=country)
    assert refused.value.field == field
    assert not OfficeHours.objects.filter(workspace=workspace).exists()
    assert AuditEntry.objects.count() == audit_before


def test_setting_office_hours_is_audited(workspace, owner):
    from concierge.workspaces.services import Actor

    set_office_hours(
        workspace,
        timezone_name="America/New_York",
        intervals=WEEKDAYS_9_TO_5,
        actor=Actor.for_teammate(owner),
    )
    entry = AuditEntry.objects.filter(workspace=workspace, action="office_hours.set").get()
    assert entry.actor_teammate == owner
    assert entry.changes["timezone"] == [None, "America/New_York"]
