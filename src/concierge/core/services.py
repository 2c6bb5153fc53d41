"""Writes for the shared kit: the stored answers of idempotent API calls, the record of reactions
that ran, putting back tasks that a worker left unfinished, and the runs of failed attempts at
secrets that throttle the next ones."""

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from concierge.core.db import insert_unless_present
from concierge.core.models import FailedAttempts, IdempotencyKey, ReactionRun

# How long a key is remembered; a repeat after that runs the call again.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


def claim_idempotency_key(
    workspace_id: int,
    *,
    caller: str,
    method: str,
    path: str,
    key: str,
    request_hash: str,
    at: datetime | None = None,
) -> tuple[IdempotencyKey, bool]:
    """Claim a key for the call about to run, or find the earlier call's answer.

    Returns (record, True) when this call owns the key and must run, else (record, False) with the
    first call's stored answer. Must run inside the transaction that also makes the call's changes:
    the claim and the changes commit together or not at all, and a concurrent repeat waits on the
    unique constraint until this transaction ends.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_idempotency_key must run inside the transaction of the call it guards")
    now = at or timezone.now()
    scope = {"workspace_id": workspace_id, "caller": caller, "method": method, "path": path, "key": key}
    IdempotencyKey.objects.filter(**scope, created_at__lt=now - IDEMPOTENCY_KEY_LIFETIME).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(**scope, request_hash=request_hash, created_at=now), True
    except IntegrityError:
        return IdempotencyKey.objects.get(**scope), False


def record_idempotent_answer(record: IdempotencyKey, *, status_code: int, body: str) -> IdempotencyKey:
    """Store the answer of the call that claimed the key (in that call's transaction)."""
    record.status_code = status_code
    record.response_body = body
    record.save(update_fields=["status_code", "response_body"])
    return record


def forget_expired_idempotency_keys(*, at: datetime | None = None) -> int:
    """Delete keys older than their lifetime; returns how many went. Safe to run at any time."""
    cutoff = (at or timezone.now()) - IDEMPOTENCY_KEY_LIFETIME
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# How long a task reaction's run is remembered: far longer than any worker stays down.
REACTION_RUN_LIFETIME = timedelta(days=30)


def claim_reaction_run(announcement_id: str, subscriber: str, *, at: datetime | None = None) -> bool:
    """Record that `subscriber` runs for this announcement; False when it already has. Must run in
    the transaction of the subscriber's own writes, so both commit together or not at all (and a
    concurrent second run waits on the unique constraint, then finds the first)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_reaction_run must run inside the transaction of the reaction it records")
    run = ReactionRun(announcement_id=announcement_id, subscriber=subscriber, ran_at=at or timezone.now())
    return insert_unless_present(run)


def forget_old_reaction_runs(*, at: datetime | None = None) -> int:
    """Delete records of reactions older than their lifetime; returns how many went."""
    cutoff = (at or timezone.now()) - REACTION_RUN_LIFETIME
    deleted, _ = ReactionRun.objects.filter(ran_at__lt=cutoff).delete()
    return deleted


def worker_id_for_this_process() -> str:
    """A worker's id that says where it runs: host, process and a random part (at most 64 characters)."""
    return f"{socket.gethostname()[:36]}/{os.getpid()}/{os.urandom(4).hex()}"


def requeue_abandoned_tasks(*, lease: timedelta, at: datetime | None = None) -> int:
    """Put back in the queue the tasks a worker took and will never finish: those of a worker
    process on this host that is gone (killed, crashed, the machine restarted), and any that has
    run longer than `lease` (a worker on another host that went away). Tasks are idempotent, and a
    reaction's run is recorded with its writes, so a task that was in fact still running does no
    harm when it runs again. Returns how many were put back."""
    now = at or timezone.now()
    host = socket.gethostname()[:36]
    requeued = 0
    for task_id, worker_ids, started_at in DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING
    ).values_list("id", "worker_ids", "started_at"):
        worker = (worker_ids or [""])[-1]
        abandoned = (started_at is not None and now - started_at > lease) or _is_gone_from_this_host(
            worker, host
        )
        if abandoned:
            requeued += DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
    return requeued


def _is_gone_from_this_host(worker_id: str, host: str) -> bool:
    worker_host, _, rest = worker_id.partition("/")
    pid = rest.partition("/")[0]
    if worker_host != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


# Failed attempts at secrets (core.throttling holds the policies and the checks) ---------------------


def record_failed_attempt(
    *, scope: str, key: str, at: datetime, wait: Callable[[int], tuple[timedelta, bool]], stamp: str = ""
) -> FailedAttempts:
    """Count one more failure in the key's run (a new run when none is stored, or when its stamp, the
    account's password, changed); `wait(failures)` says how long the next attempt waits and whether
    that is a lock. Concurrent failures of one key are counted one after the other (row lock)."""
    with transaction.atomic():
        run = FailedAttempts.objects.select_for_update().filter(scope=scope, key=key).first()
        if run is None:
            try:
                with transaction.atomic():
                    run = FailedAttempts.objects.create(
                        scope=scope, key=key, last_failed_at=at, next_attempt_at=at, stamp=stamp
                    )
            except IntegrityError:
                run = FailedAttempts.objects.select_for_update().get(scope=scope, key=key)
        if run.stamp != stamp:
            run.failures = 0
            run.stamp = stamp
        run.failures += 1
        delay, locked = wait(run.failures)
        run.last_failed_at = at
        run.next_attempt_at = at + delay
        run.locked = locked
        run.save()
        return run


def forget_failed_attempts(*, scope: str, key: str) -> None:
    """End the key's run: a success, or a password reset."""
    FailedAttempts.objects.filter(scope=scope, key=key).delete()


def forget_old_failed_attempts(
    *, at: datetime | None = None, older_than: timedelta = timedelta(days=1)
) -> int:
    """Forget runs whose last failure is older than `older_than` and that hold no lock still running."""
    now = at or timezone.now()
    deleted, _ = FailedAttempts.objects.filter(
        last_failed_at__lt=now - older_than, next_attempt_at__lt=now
    ).delete()
    return deleted
