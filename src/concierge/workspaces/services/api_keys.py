"""Writes for server-to-server API keys: created (the key shown once), revoked, marked as used."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from concierge.core.text import clean_short_text
from concierge.workspaces.models import ApiKey, Workspace

API_KEY_PREFIX = "ck_"


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_api_key(workspace: Workspace, *, name: str = "API key") -> tuple[ApiKey, str]:
    """Returns the stored key and the raw secret, which is shown once and never again."""
    name = clean_short_text(name, field="name", max_length=80, required=True)
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(workspace=workspace, name=name, prefix=raw[:10], key_hash=hash_api_key(raw))
    return key, raw


def revoke_api_key(key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def mark_api_key_used(key: ApiKey) -> None:
    """Record use at most once a minute, so a busy key does not write on every request."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
