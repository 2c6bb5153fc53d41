"""Background work for conversations. Each task re-reads the database and is safe to run twice."""

from datetime import timedelta

from django_tasks import task

from concierge.conversations.services import wake_snoozed_conversations


@task()
def wake_snoozed_conversations_task() -> int:
    """Bring back to the inbox every conversation whose snooze has run out; returns how many."""
    return wake_snoozed_conversations()


# Work `concierge worker` enqueues on a schedule: (task, how often).
RECURRING = [(wake_snoozed_conversations_task, timedelta(minutes=1))]
