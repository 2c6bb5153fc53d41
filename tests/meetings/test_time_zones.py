"""Times across daylight-saving changes in both hemispheres, in the agents' zones (Chicago, London,
Adelaide) and the customers' (Los Angeles, New York, Belgrade, Kathmandu, Sydney).

Every agent works Monday to Friday 09:00-17:00 wall clock in their own zone. The first slot of an
agent's day before and after their zone's change is shown to each customer in the customer's own
zone; the expected texts were worked out by hand from the offsets written next to them.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from concierge.meetings.local_time import session_time
from concierge.meetings.selectors.slots import free_slots, slots_by_local_day
from concierge.meetings.services.availability import set_weekly_hours

from .conftest import utc

LA, NY, BELGRADE, KATHMANDU, SYDNEY = (
    "America/Los_Angeles",
    "America/New_York",
    "Europe/Belgrade",
    "Asia/Kathmandu",
    "Australia/Sydney",
)

# (agent, the agent's local date, the first slot in UTC, {customer zone: what the customer reads})
FIRST_SLOTS = [
    # US spring forward, Sunday 14 March 2027. Chicago 09:00 CST (-6) = 15:00 UTC.
    (
        "chicago",
        date(2027, 3, 12),
        utc(2027, 3, 12, 15, 0),
        {
            LA: "Friday 12 March at 7:00 AM, Los Angeles time",  # PST -8
            NY: "Friday 12 March at 10:00 AM, New York time",  # EST -5
            BELGRADE: "Friday 12 March at 4:00 PM, Belgrade time",  # CET +1
            KATHMANDU: "Friday 12 March at 8:45 PM, Kathmandu time",  # +5:45
            SYDNEY: "Saturday 13 March at 2:00 AM (night), Sydney time",  # AEDT +11
        },
    ),
    # ... and after it: 09:00 CDT (-5) = 14:00 UTC.
    (
        "chicago",
        date(2027, 3, 15),
        utc(2027, 3, 15, 14, 0),
        {
            LA: "Monday 15 March at 7:00 AM, Los Angeles time",  # PDT -7
            NY: "Monday 15 March at 10:00 AM, New York time",  # EDT -4
            BELGRADE: "Monday 15 March at 3:00 PM, Belgrade time",  # still CET +1
            KATHMANDU: "Monday 15 March at 7:45 PM, Kathmandu time",
            SYDNEY: "Tuesday 16 March at 1:00 AM (night), Sydney time",
        },
    ),
    # EU spring forward, Sunday 28 March 2027. London 09:00 GMT = 09:00 UTC ...
    (
        "london",
        date(2027, 3, 26),
        utc(2027, 3, 26, 9, 0),
        {
            LA: "Friday 26 March at 2:00 AM (night), Los Angeles time",  # PDT -7
            NY: "Friday 26 March at 5:00 AM (night), New York time",  # EDT -4
            BELGRADE: "Friday 26 March at 10:00 AM, Belgrade time",  # CET +1
            KATHMANDU: "Friday 26 March at 2:45 PM, Kathmandu time",
            SYDNEY: "Friday 26 March at 8:00 PM, Sydney time",  # AEDT +11
        },
    ),
    # ... and 09:00 BST (+1) = 08:00 UTC after it.
    (
        "london",
        date(2027, 3, 29),
        utc(2027, 3, 29, 8, 0),
        {
            LA: "Monday 29 March at 1:00 AM (night), Los Angeles time",
            NY: "Monday 29 March at 4:00 AM (night), New York time",
            BELGRADE: "Monday 29 March at 10:00 AM, Belgrade time",  # CEST +2
            KATHMANDU: "Monday 29 March at 1:45 PM, Kathmandu time",
            SYDNEY: "Monday 29 March at 7:00 PM, Sydney time",
        },
    ),
    # Australian fall back, Sunday 4 April 2027. Adelaide 09:00 ACDT (+10:30) = 22:30 UTC the day before ...
    (
        "adelaide",
        date(2027, 4, 2),
        utc(2027, 4, 1, 22, 30),
        {
            LA: "Thursday 1 April at 3:30 PM, Los Angeles time",
            NY: "Thursday 1 April at 6:30 PM, New York time",
            BELGRADE: "Friday 2 April at 12:30 AM (night), Belgrade time",  # CEST +2
            KATHMANDU: "Friday 2 April at 4:15 AM (night), Kathmandu time",
            SYDNEY: "Friday 2 April at 9:30 AM, Sydney time",  # AEDT +11
        },
    ),
    # ... and 09:00 ACST (+9:30) = 23:30 UTC the day before, after it.
    (
        "adelaide",
        date(2027, 4, 5),
        utc(2027, 4, 4, 23, 30),
        {
            LA: "Sunday 4 April at 4:30 PM, Los Angeles time",
            NY: "Sunday 4 April at 7:30 PM, New York time",
            BELGRADE: "Monday 5 April at 1:30 AM (night), Belgrade time",
            KATHMANDU: "Monday 5 April at 5:15 AM (night), Kathmandu time",
            SYDNEY: "Monday 5 April at 9:30 AM, Sydney time",  # AEST +10
        },
    ),
    # Australian spring forward, Sunday 3 October 2027: 09:00 ACST = 23:30 UTC the day before ...
    (
        "adelaide",
        date(2027, 10, 1),
        utc(2027, 9, 30, 23, 30),
        {
            SYDNEY: "Friday 1 October at 9:30 AM, Sydney time",  # AEST +10
            KATHMANDU: "Friday 1 October at 5:15 AM (night), Kathmandu time",
            BELGRADE: "Friday 1 October at 1:30 AM (night), Belgrade time",  # CEST +2
        },
    ),
    # ... and 09:00 ACDT = 22:30 UTC the day before.
    (
        "adelaide",
        date(2027, 10, 4),
        utc(2027, 10, 3, 22, 30),
        {
            SYDNEY: "Monday 4 October at 9:30 AM, Sydney time",  # AEDT +11
            KATHMANDU: "Monday 4 October at 4:15 AM (night), Kathmandu time",
            NY: "Sunday 3 October at 6:30 PM, New York time",
        },
    ),
    # EU fall back, Sunday 31 October 2027: London 09:00 BST = 08:00 UTC, then 09:00 GMT = 09:00 UTC.
    (
        "london",
        date(2027, 10, 29),
        utc(2027, 10, 29, 8, 0),
        {
            BELGRADE: "Friday 29 October at 10:00 AM, Belgrade time",  # CEST +2
            NY: "Friday 29 October at 4:00 AM (night), New York time",  # EDT -4
        },
    ),
    (
        "london",
        date(2027, 11, 1),
        utc(2027, 11, 1, 9, 0),
        {
            BELGRADE: "Monday 1 November at 10:00 AM, Belgrade time",  # CET +1
            NY: "Monday 1 November at 5:00 AM (night), New York time",  # still EDT until 7 November
            SYDNEY: "Monday 1 November at 8:00 PM, Sydney time",  # AEDT +11
        },
    ),
    # US fall back, Sunday 7 November 2027: Chicago 09:00 CDT = 14:00 UTC, then 09:00 CST = 15:00 UTC.
    (
        "chicago",
        date(2027, 11, 5),
        utc(2027, 11, 5, 14, 0),
        {
            LA: "Friday 5 November at 7:00 AM, Los Angeles time",
            BELGRADE: "Friday 5 November at 3:00 PM, Belgrade time",  # CET +1
            SYDNEY: "Saturday 6 November at 1:00 AM (night), Sydney time",
        },
    ),
    (
        "chicago",
        date(2027, 11, 8),
        utc(2027, 11, 8, 15, 0),
        {
            LA: "Monday 8 November at 7:00 AM, Los Angeles time",
            BELGRADE: "Monday 8 November at 4:00 PM, Belgrade time",
            KATHMANDU: "Monday 8 November at 8:45 PM, Kathmandu time",
            SYDNEY: "Tuesday 9 November at 2:00 AM (night), Sydney time",
        },
    ),
]


@pytest.fixture
def agent_by_city(chicago_agent, london_agent, adelaide_agent):
    return {"chicago": chicago_agent, "london": london_agent, "adelaide": adelaide_agent}


def _first_slot_of_agents_day(session_type, agent, day):
    zone = ZoneInfo(agent.timezone)
    now = utc(day.year, day.month, day.day) - timedelta(days=5)
    slots = free_slots(session_type, at=now, agent_ids=[agent.pk])
    return [s for s in slots if s.start.astimezone(zone).date() == day], now


@pytest.mark.parametrize(("city", "day", "first_start", "customers"), FIRST_SLOTS)
def test_an_agents_first_slot_is_shown_to_each_customer_in_their_own_city_time(
    session_type, agent_by_city, city, day, first_start, customers
):
    agent = agent_by_city[city]
    slots, _ = _first_slot_of_agents_day(session_type, agent, day)
    assert slots[0].start == first_start
    # 09:00-17:00 with 30-minute sessions every 30 minutes: 16 slots, the last at 16:30 local.
    assert len(slots) == 16
    assert slots[-1].start.astimezone(ZoneInfo(agent.timezone)).strftime("%H:%M") == "16:30"
    for zone_name, expected in customers.items():
        assert session_time(first_start, zone_name, "en") == expected


def test_slots_are_grouped_by_the_customers_own_day(session_type, adelaide_agent):
    # Adelaide's Monday 5 April 2027 (after its fall back) is Sunday evening and the night after in New York.
    slots, _ = _first_slot_of_agents_day(session_type, adelaide_agent, date(2027, 4, 5))
    days = slots_by_local_day(slots, NY, "en")
    assert [d.heading for d in days] == ["Sunday 4 April", "Monday 5 April"]
    assert [c.label for c in days[0].slots][:3] == ["7:30 PM", "8:00 PM", "8:30 PM"]
    assert [c.label for c in days[1].slots] == [f"{h}:{m} AM" for h in (12, 1, 2) for m in ("00", "30")] + [
        "3:00 AM"
    ]
    assert all(c.night for c in days[1].slots) and not any(c.night for c in days[0].slots)
    assert days[0].slots[0].value == "2027-04-04T19:30:00-04:00"
    # In Kathmandu the same slots start before 06:00 and are marked as night.
    kathmandu = slots_by_local_day(slots, KATHMANDU, "en")
    assert [(c.label, c.night) for c in kathmandu[0].slots[:3]] == [
        ("5:15 AM", True),
        ("5:45 AM", True),
        ("6:15 AM", False),
    ]


@pytest.mark.parametrize(
    ("day", "expected_count", "expected_doubled"),
    [
        (date(2027, 3, 14), 46, set()),  # 23 hours: 02:00-02:59 does not exist
        (date(2027, 11, 7), 50, {"01:00", "01:30"}),  # 25 hours: 01:00-01:59 happens twice
    ],
)
def test_a_round_the_clock_agent_has_a_23_or_25_hour_day_on_a_change(
    session_type, chicago_agent, london_agent, adelaide_agent, day, expected_count, expected_doubled
):
    set_weekly_hours(chicago_agent, [("sunday", "00:00", "00:00")])
    zone = ZoneInfo("America/Chicago")
    slots, _ = _first_slot_of_agents_day(session_type, chicago_agent, day)
    local_times = [s.start.astimezone(zone).strftime("%H:%M") for s in slots]
    assert len(slots) == expected_count
    assert "02:00" not in local_times if day.month == 3 else True
    assert {t for t in local_times if local_times.count(t) > 1} == expected_doubled


def test_seasonal_hours_and_date_overrides_replace_the_week(session_type, london_agent):
    from concierge.meetings.services.availability import add_time_off, set_date_override, set_seasonal_hours

    set_seasonal_hours(
        london_agent,
        [("monday", "12:00", "14:00")],
        valid_from=date(2027, 7, 1),
        valid_until=date(2027, 8, 31),
    )
    set_date_override(london_agent, date(2027, 7, 12), [("08:00", "09:00")])
    set_date_override(london_agent, date(2027, 7, 19))  # the whole day off
    add_time_off(london_agent, starts_at=utc(2027, 7, 26, 11, 0), ends_at=utc(2027, 7, 26, 12, 0))
    london = ZoneInfo("Europe/London")

    def local_starts(day):
        slots, _ = _first_slot_of_agents_day(session_type, london_agent, day)
        return [s.start.astimezone(london).strftime("%H:%M") for s in slots]

    assert local_starts(date(2027, 6, 28)) == [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]
    assert local_starts(date(2027, 7, 5)) == ["12:00", "12:30", "13:00", "13:30"]
    assert local_starts(date(2027, 7, 6)) == []  # the season has no Tuesday
    assert local_starts(date(2027, 7, 12)) == ["08:00", "08:30"]
    assert local_starts(date(2027, 7, 19)) == []
    assert local_starts(date(2027, 7, 26)) == ["13:00", "13:30"]  # time off 12:00-13:00 BST


def test_team_coverage_is_the_union_of_its_members(workspace, agents):
    from concierge.meetings.services.session_types import create_session_type
    from concierge.workspaces.services import create_team

    team = create_team(workspace, name="Reliability", members=agents)
    team_type = create_session_type(
        workspace, name="Incident review", host_team=team, minimum_notice_minutes=0
    )
    slots = free_slots(team_type, at=utc(2027, 5, 9, 0, 0), start=utc(2027, 5, 10), end=utc(2027, 5, 11))
    covered = {s.start.strftime("%H:%M") for s in slots}
    # Adelaide (ACST +9:30) 09:00-17:00 = 23:30-07:30 UTC, London (BST) 08:00-16:00 UTC,
    # Chicago (CDT) 14:00-22:00 UTC: every half hour of Monday 10 May UTC but 07:30 and 22:00-23:00.
    expected = {f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)} - {"07:30", "22:00", "22:30", "23:00"}
    assert covered == expected
    overlap = next(s for s in slots if s.start == utc(2027, 5, 10, 14, 0))
    assert overlap.capacity == 2
