"""The support-day rotation with teammates in US west, US east and Europe: the roster across a
daylight-saving change and a holiday, time off, patterns, swaps and overrides, and the iCal feed."""

from datetime import date, datetime

import pytest
from icalendar import Calendar

from concierge.core.errors import InvalidInput
from concierge.meetings.services.availability import add_time_off
from concierge.routing.feeds import support_days_calendar
from concierge.routing.models import RosterDay, Rotation
from concierge.routing.selectors.rotation import teammates_on_support
from concierge.routing.services.rotation import (
    generate_roster,
    override_roster_day,
    set_rotation,
    swap_roster_days,
)

from .conftest import BERLIN, new_york

Pattern = Rotation.Pattern


def roster(rotation) -> dict[date, str]:
    return {
        d.day: d.teammate.name for d in RosterDay.objects.filter(rotation=rotation).select_related("teammate")
    }


@pytest.fixture
def rotation(team, three_zones, office_hours):
    return set_rotation(team, order=list(three_zones))


def test_no_rotation_answers_none(team):
    assert teammates_on_support(team, new_york(2025, 3, 10, 12, 0)) is None


def test_every_weekday_across_the_us_clock_change(rotation, three_zones):
    west, east, europe = three_zones
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 14))
    assert list(roster(rotation).values()) == [
        "Wes",
        "Eve",
        "Eli",
        "Wes",
        "Eve",
        "Eli",
        "Wes",
        "Eve",
        "Eli",
        "Wes",
    ]
    team = rotation.team
    # Thursday 6 March 23:30 EST is already Friday in Berlin: the team's day (New York) decides.
    assert teammates_on_support(team, datetime(2025, 3, 7, 5, 30, tzinfo=BERLIN)) == {west.pk}
    # Sunday 9 March (clocks went forward) 23:30 EDT = Monday 03:30 UTC: nobody on a Sunday.
    assert teammates_on_support(team, new_york(2025, 3, 9, 23, 30)) == set()
    # Half an hour later it is Monday 10 March in New York: Eli in Berlin is on support.
    assert teammates_on_support(team, new_york(2025, 3, 10, 0, 30)) == {europe.pk}
    assert teammates_on_support(team, datetime(2025, 3, 10, 18, 0, tzinfo=BERLIN)) == {europe.pk}


def test_a_holiday_has_nobody_and_costs_nobody_their_turn(rotation):
    # Monday 26 May 2025 is Memorial Day in the US.
    generate_roster(rotation, first_day=date(2025, 5, 22), last_day=date(2025, 5, 28))
    assert roster(rotation) == {
        date(2025, 5, 22): "Wes",
        date(2025, 5, 23): "Eve",
        date(2025, 5, 27): "Eli",
        date(2025, 5, 28): "Wes",
    }
    assert teammates_on_support(rotation.team, new_york(2025, 5, 26, 12, 0)) == set()


def test_time_off_in_another_zone_hands_the_day_to_the_next_in_order(rotation, three_zones):
    west, east, europe = three_zones
    # Eli's day off in Berlin (Wednesday 5 March) covers New York's office hours that day.
    add_time_off(
        europe,
        starts_at=datetime(2025, 3, 5, 0, 0, tzinfo=BERLIN),
        ends_at=datetime(2025, 3, 6, 0, 0, tzinfo=BERLIN),
    )
    # Wes is off on Thursday morning only, Pacific time: 06:00-10:00 is 09:00-13:00 in New York.
    add_time_off(
        west,
        starts_at=datetime(2025, 3, 6, 15, 0, tzinfo=BERLIN),
        ends_at=datetime(2025, 3, 6, 19, 0, tzinfo=BERLIN),
    )
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 7))
    assert roster(rotation) == {
        date(2025, 3, 3): "Wes",
        date(2025, 3, 4): "Eve",
        date(2025, 3, 5): "Wes",  # Eli away: the next in order after Eli
        date(2025, 3, 6): "Eve",  # Wes away: Eve
        date(2025, 3, 7): "Eve",
    }


def test_fixed_days_and_weekly_patterns(team, three_zones, office_hours):
    rotation = set_rotation(team, order=list(three_zones), pattern=Pattern.FIXED_DAYS, days_per_week=2)
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 14))
    week = ["Wes", "Wes", "Eve", "Eve", "Eli"]
    assert list(roster(rotation).values()) == week + week
    rotation = set_rotation(team, order=list(three_zones), pattern=Pattern.WEEKLY)
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 21))
    assert list(roster(rotation).values()) == ["Wes"] * 5 + ["Eve"] * 5 + ["Eli"] * 5


def test_swaps_and_overrides_and_generating_again_keeps_overrides(rotation, three_zones, owner):
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 7))
    swap_roster_days(rotation, date(2025, 3, 3), date(2025, 3, 4))
    override_roster_day(rotation, date(2025, 3, 5), owner)
    assert list(roster(rotation).values())[:3] == ["Eve", "Wes", "Olivia Owner"]
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 7))
    assert list(roster(rotation).values())[:3] == ["Wes", "Eve", "Olivia Owner"]
    override_roster_day(rotation, date(2025, 3, 5), None)
    assert date(2025, 3, 5) not in roster(rotation)


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda r: swap_roster_days(r, date(2025, 3, 3), date(2025, 3, 3)), "second"),
        (lambda r: swap_roster_days(r, date(2025, 3, 3), date(2025, 3, 8)), "day"),  # a Saturday: nobody
        (lambda r: generate_roster(r, first_day=date(2025, 3, 7), last_day=date(2025, 3, 3)), "last_day"),
        (lambda r: generate_roster(r, first_day=date(2025, 1, 1), last_day=date(2027, 1, 1)), "last_day"),
        (lambda r: set_rotation(r.team, order=[]), "order"),
        (lambda r: set_rotation(r.team, order=[r.members.first().teammate] * 2), "order"),
        (lambda r: set_rotation(r.team, order=[r.members.first().teammate], pattern="monthly"), "pattern"),
        (
            lambda r: set_rotation(r.team, order=[r.members.first().teammate], days_per_week=3),
            "days_per_week",
        ),
    ],
)
def test_bad_rotation_changes_are_refused_and_change_nothing(rotation, change, field):
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 7))
    before = roster(rotation)
    with pytest.raises(InvalidInput) as refused:
        change(rotation)
    assert refused.value.field == field
    assert roster(rotation) == before
    assert rotation.members.count() == 3


def test_another_workspaces_teammate_cannot_join_the_order(rotation, other_workspace):
    with pytest.raises(InvalidInput):
        set_rotation(rotation.team, order=[other_workspace.teammates.get()])
    with pytest.raises(InvalidInput):
        override_roster_day(rotation, date(2025, 3, 3), other_workspace.teammates.get())


def test_the_ical_feed_has_the_teammates_days(rotation, three_zones):
    west = three_zones[0]
    generate_roster(rotation, first_day=date(2025, 3, 3), last_day=date(2025, 3, 14))
    body = support_days_calendar(west, today=date(2025, 3, 1), now=new_york(2025, 3, 1, 12, 0))
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [
        date(2025, 3, 3),
        date(2025, 3, 6),
        date(2025, 3, 11),
        date(2025, 3, 14),
    ]
    assert all(str(event["summary"]) == "Support day: Reliability" for event in events)
    assert all(
        event.decoded("dtend")
        == event.decoded("dtstart").fromordinal(event.decoded("dtstart").toordinal() + 1)
        for event in events
    )
