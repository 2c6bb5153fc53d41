"""Routing's background work. Each task re-reads the database and is safe to run twice."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from concierge.routing.services.assignment import drain_queues
from concierge.routing.services.rules import run_rules_once, run_waiting_rules
from concierge.workspaces.models import Workspace


@task()
def run_rules_task(
    workspace_id: int, conversation_id: int, trigger: str, part_id: int | None, key: str
) -> list[str]:
    """Run a trigger's rules on a conversation, once per `key`; returns the names of the rules that ran."""
    outcomes = run_rules_once(key, workspace_id, conversation_id, trigger, at=timezone.now(), part_id=part_id)
    return [f"{o.name}: {o.outcome}" for o in outcomes]


@task()
def drain_queues_task(workspace_id: int | None = None) -> int:
    """Assign what waits in the teams' queues to whoever has room; returns how many."""
    workspace = Workspace.objects.filter(pk=workspace_id).first() if workspace_id else None
    if workspace_id and workspace is None:
        return 0
    return drain_queues(workspace)


@task()
def run_waiting_rules_task() -> int:
    """Run the "waited without a reply" rules on the conversations that have waited long enough."""
    return run_waiting_rules()


# Work `concierge worker` enqueues on a schedule: (task, how often).
RECURRING = [
    (run_waiting_rules_task, timedelta(minutes=1)),
    (drain_queues_task, timedelta(minutes=1)),
]
