"""Insights' fixtures: customers with plans and seats, conversations tagged through the services, a
support mailbox, and the background queue run as the worker runs it."""

from datetime import datetime, timedelta

import pytest


@pytest.fixture(autouse=True)
def media_in_a_throwaway_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_tasks():
    """Run the queued tasks like `concierge worker` does, every one due now. Returns their values."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

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

    def run() -> list:
        outcomes = []
        while True:
            result = DBTaskResult.objects.ready().first()
            if result is None:
                return outcomes
            result.claim(worker.worker_id)
            worker.run_task(result)
            result.refresh_from_db()
            assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
            outcomes.append(result.return_value)

    return run


@pytest.fixture
def feedback(workspace, owner):
    """Customers on plans with seats, and their conversations tagged bug / feature request, in the
    last 30 days and the 30 before; one untagged, one tagged otherwise."""
    from django.utils import timezone

    from concierge.contacts.services import create_contact
    from concierge.conversations.services import start_conversation, tag_conversation, tag_for_name

    now = timezone.now()
    bug = tag_for_name(workspace, "bug")
    request = tag_for_name(workspace, "feature request")
    billing = tag_for_name(workspace, "billing")
    people = {}
    for key, plan, seats in [
        ("ana", "pro", 12),
        ("ben", "pro", 25),
        ("cai", "enterprise", 250),
        ("dee", None, None),
        ("eve", "starter", "3"),
    ]:
        attributes = {"plan": plan, "seats": seats} if plan else {}
        people[key] = create_contact(
            workspace,
            external_id=key,
            email=f"{key}@customer.test",
            name=key.title() + " Doe",
            attributes=attributes,
        )

    def conversation(who: str, days_ago: float, *tags, body: str = "") -> object:
        at: datetime = now - timedelta(days=days_ago)
        c = start_conversation(
            workspace, contact=people[who], body=body or f"{who} says the export is broken", at=at
        )
        for tag in tags:
            tag_conversation(c, tag, at=at + timedelta(minutes=1))
        return c

    made = {
        # this period (last 30 days)
        "ana_bug_1": conversation("ana", 2, bug, body="Exports time out after a minute"),
        "ana_bug_2": conversation("ana", 3, bug),
        "ben_bug": conversation("ben", 4, bug, request),
        "cai_request": conversation("cai", 5, request, body="We need SSO with Okta, please"),
        "dee_request": conversation("dee", 6, request),
        "eve_billing": conversation("eve", 7, billing),
        "eve_untagged": conversation("eve", 8),
        # the period before
        "ana_old_bug": conversation("ana", 40, bug),
        "dee_old_bug": conversation("dee", 45, bug),
        "eve_old_bug": conversation("eve", 50, bug),
        # long ago
        "ben_ancient": conversation("ben", 200, request),
    }
    return {"people": people, "bug": bug, "request": request, "billing": billing, **made}
