"""1:1 session fixtures: three agents in Chicago, London and Adelaide, a session type they host, and
a way to run the background queue as a worker would (with the clock moved on to a given time)."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

PASSWORD = "correct-horse-battery"
WEEKDAYS_9_TO_17 = [
    (day, "09:00", "17:00") for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def chicago_agent(workspace):
    from concierge.workspaces.services import add_teammate

    return add_teammate(
        workspace,
        email="chi@acme.test",
        name="Chris Carter",
        timezone_name="America/Chicago",
        password=PASSWORD,
    )


@pytest.fixture
def london_agent(workspace):
    from concierge.workspaces.services import add_teammate

    return add_teammate(
        workspace, email="lon@acme.test", name="Lou Lane", timezone_name="Europe/London", password=PASSWORD
    )


@pytest.fixture
def adelaide_agent(workspace):
    from concierge.workspaces.services import add_teammate

    return add_teammate(
        workspace,
        email="adl@acme.test",
        name="Ada Alder",
        timezone_name="Australia/Adelaide",
        password=PASSWORD,
    )


@pytest.fixture
def agents(chicago_agent, london_agent, adelaide_agent):
    from concierge.meetings.services.availability import set_weekly_hours

    for agent in (chicago_agent, london_agent, adelaide_agent):
        set_weekly_hours(agent, WEEKDAYS_9_TO_17)
    return [chicago_agent, london_agent, adelaide_agent]


@pytest.fixture
def session_type(workspace, agents):
    from concierge.meetings.services.session_types import create_session_type

    return create_session_type(
        workspace,
        name="Setup walkthrough",
        topic="Getting your workspace set up",
        hosts=agents,
        length_minutes=30,
        slot_step_minutes=30,
        buffer_after_minutes=15,
        minimum_notice_minutes=120,
        horizon_days=14,
        meeting_link_template="https://meet.example.com/acme-{code}",
        preparation_checklist=["Read the intake", "Open the customer's workspace"],
    )


@pytest.fixture
def trigger(session_type):
    from concierge.meetings.services.session_types import create_booking_trigger

    return create_booking_trigger(session_type, place="setup page")


@pytest.fixture
def run_tasks():
    """Run the queued tasks like `concierge worker` does; `until` first makes every task due by then
    ready now (the clock moved on). Returns each task's return value."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult, get_date_max

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )

    def run(*, until: datetime | None = None) -> list:
        if until is not None:
            DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=until).exclude(
                run_after=get_date_max()
            ).update(run_after=timezone.now())
        outcomes = []
        while (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            result.refresh_from_db()
            assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
            outcomes.append(result.return_value)
        return outcomes

    return run


from tests.api_client import api, other_api, signed_in_customer, visitor  # noqa: E402, F401  (API fixtures)
