"""Background work for the shared kit. Each task is safe to run twice."""

from datetime import timedelta

from django_tasks import task

from concierge.core.services import (
    forget_expired_idempotency_keys,
    forget_old_failed_attempts,
    forget_old_reaction_runs,
)


@task()
def forget_expired_idempotency_keys_task() -> int:
    """Delete Idempotency-Key records past their lifetime; returns how many went."""
    return forget_expired_idempotency_keys()


@task()
def forget_old_reaction_runs_task() -> int:
    """Delete the records of reactions past their lifetime; returns how many went."""
    return forget_old_reaction_runs()


@task()
def forget_old_failed_attempts_task() -> int:
    """Forget runs of failed sign-ins and key guesses idle for a day (and not locked); returns how many."""
    return forget_old_failed_attempts()


# Work `concierge worker` enqueues on a schedule: (task, how often).
RECURRING = [
    (forget_expired_idempotency_keys_task, timedelta(hours=1)),
    (forget_old_reaction_runs_task, timedelta(hours=6)),
    (forget_old_failed_attempts_task, timedelta(hours=1)),
]
