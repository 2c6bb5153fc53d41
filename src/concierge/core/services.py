"""Writes for the shared kit: the stored answers of idempotent API calls."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.models import IdempotencyKey

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
