"""The email channel's fixtures: a support mailbox made through the services, files kept in a
throwaway folder, and the background queue run as the worker runs it."""

import pytest


@pytest.fixture(autouse=True)
def media_in_a_throwaway_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def support(workspace):
    from concierge.mail.services.mailboxes import create_mailbox

    return create_mailbox(
        workspace, address="support@acme.test", sender_name="Acme Support", signature="The Acme team"
    )


@pytest.fixture
def run_tasks():
    """Run the queued tasks like `concierge worker` does, every one due now (a retry's wait passed).
    Returns each task's return value."""
    from django.utils import timezone
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

    def run(*, include_later: bool = False) -> list:
        outcomes = []
        while True:
            if include_later:
                DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(
                    run_after=get_date_max()
                ).update(run_after=timezone.now())
            result = DBTaskResult.objects.ready().first()
            if result is None:
                return outcomes
            result.claim(worker.worker_id)
            worker.run_task(result)
            result.refresh_from_db()
            assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
            outcomes.append(result.return_value)

    return run


from tests.api_client import api, other_api  # noqa: E402, F401  (API fixtures)
