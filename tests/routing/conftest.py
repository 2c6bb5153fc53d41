"""Routing's fixtures: a workspace open Monday to Friday 9-5 in New York with US holidays; a team of
three teammates in US west, US east and Europe; a rule made through the service; a conversation maker."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from concierge.routing.services.hours import set_office_hours
from concierge.workspaces.services import add_teammate, create_team
from tests.conftest import PASSWORD

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_5 = [(day, "09:00", "17:00") for day in range(5)]

_numbers = itertools.count(1)


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
            password=PASSWORD,
        )
        for name, zone in (
            ("wes", "America/Los_Angeles"),
            ("eve", "America/New_York"),
            ("eli", "Europe/Berlin"),
        )
    )


@pytest.fixture
def members(three_zones):
    return list(three_zones)


@pytest.fixture
def team(workspace, members):
    return create_team(workspace, name="Reliability", members=members)


@pytest.fixture
def start(workspace, contact):
    """start(body, subject="", minutes_ago=0, **options): a conversation from the contact."""
    from concierge.conversations.services import start_conversation

    def make(body: str = "Hello", *, subject: str = "", minutes_ago: float = 0, **options):
        at = timezone.now() - timedelta(minutes=minutes_ago, microseconds=next(_numbers))
        return start_conversation(workspace, contact=contact, body=body, subject=subject, at=at, **options)

    return make


@pytest.fixture
def make_rule(workspace):
    """make_rule(name, trigger="started", conditions=(), actions=(...), **more) through the service."""
    from concierge.routing.services.rules import RuleInput, create_rule

    def make(name: str, *, trigger: str = "started", conditions=(), actions=(), **more):
        return create_rule(
            workspace,
            RuleInput(name=name, trigger=trigger, conditions=list(conditions), actions=list(actions), **more),
        )

    return make


from tests.meetings.conftest import run_tasks  # noqa: E402, F401  (runs the queue like the worker)
