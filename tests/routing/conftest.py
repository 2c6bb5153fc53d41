"""Routing's fixtures: a team of three, a rule made through the service, and a conversation maker."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

_numbers = itertools.count(1)


@pytest.fixture
def members(workspace):
    from concierge.workspaces.services import add_teammate

    return [
        add_teammate(workspace, email=f"{name.lower()}@acme.test", name=name, password=PASSWORD)
        for name in ("Ana", "Ben", "Cleo")
    ]


@pytest.fixture
def team(workspace, members):
    from concierge.workspaces.services import create_team

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
