"""Enqueueing background work together with the change that calls for it."""

from django.db import transaction
from django_tasks_db import DatabaseBackend


def enqueue_with_change(task, *args, run_after=None, **kwargs) -> None:
    """With the database queue the task row is written in the change's own transaction, so a booking
    and its reminders commit (or roll back) together. Any other backend is handed the task after the
    commit, so a fast worker never looks for a row that is not there yet."""
    if run_after is not None:
        task = task.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
