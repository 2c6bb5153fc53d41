"""Outbound's background work. Each task re-reads the database and is safe to run twice."""

from datetime import timedelta

from django_tasks import task

from concierge.outbound.services import delivery, goals, sweeps


@task()
def send_run_task(run_id: int) -> None:
    """Send a message to its audience, batch after batch, from where the last committed batch ended."""
    delivery.run_send(run_id)


@task()
def deliver_due_task() -> int:
    """Send what is due: scheduled in the contact's zone, held by the cap, office hours or a gap."""
    total = 0
    while looked_at := delivery.deliver_due():
        total += looked_at
    return total


@task()
def open_due_occurrences_task() -> int:
    return sweeps.open_due_occurrences()


@task()
def refresh_dynamic_audiences_task() -> int:
    return sweeps.refresh_dynamic_audiences()


@task()
def meet_attribute_goals_task() -> int:
    """Goals met by an attribute's change: the contact's attribute now has the goal's value."""
    return goals.meet_attribute_goals()


# Work `concierge worker` enqueues on a schedule: (task, how often).
RECURRING = [
    (open_due_occurrences_task, timedelta(minutes=1)),
    (deliver_due_task, timedelta(minutes=1)),
    (refresh_dynamic_audiences_task, timedelta(minutes=5)),
    (meet_attribute_goals_task, timedelta(minutes=1)),
]
