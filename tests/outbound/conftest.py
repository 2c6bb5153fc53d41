"""Outbound's fixtures: the background queue run as the worker runs it, and a way to make messages."""

import pytest


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
def make_message(workspace):
    """A message written through the service: a chat in English by default, with any settings."""
    from concierge.outbound.services import create_message

    def make(content_type="chat", versions=None, **settings):
        if versions is None:
            versions = [{"locale": "en", "subject": "Hello", "body": "Hi {{first_name|there}}!"}]
            if content_type == "tooltip_group":
                versions = [{"locale": "en", "tooltips": [{"selector": "#export", "body": "Export here"}]}]
        return create_message(workspace, content_type=content_type, versions=versions, **settings)

    return make


from tests.api_client import api, other_api  # noqa: E402, F401  (fixtures)
