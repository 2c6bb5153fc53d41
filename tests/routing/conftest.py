"""Routing's fixtures: a workspace open Monday to Friday 9-5 in New York with US holidays, and a
team whose teammates are in US west, US east and Europe."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from concierge.routing.services.hours import set_office_hours
from concierge.workspaces.services import add_teammate, create_team

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_5 = [(day, "09:00", "17:00") for day in range(5)]


def new_york(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.fixture
def office_hours(workspace):
    return set_office_hours(
        workspace, timezone_name="America/New_York", intervals=WEEKDAYS_9_TO_5, holiday_country="US"
    )


@pytest.fixture
def three_zones(workspace):
    """(west, east, europe) teammates."""
    return tuple(
        add_teammate(
            workspace,
            email=f"{name}@acme.test",
            name=name.title(),
            timezone_name=zone,
            password="pw-123456789",
        )
        for name, zone in (
            ("wes", "America/Los_Angeles"),
            ("eve", "America/New_York"),
            ("eli", "Europe/Berlin"),
        )
    )


@pytest.fixture
def team(workspace, three_zones):
    return create_team(workspace, name="Reliability", members=list(three_zones))
