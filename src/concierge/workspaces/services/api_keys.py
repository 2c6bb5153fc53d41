"""Writes for server-to-server API keys: created (the key shown once), revoked, marked as used."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from concierge.core.errors import InvalidInput, PermissionDenied
from concierge.core.text import clean_short_text
from concierge.workspaces.models import ApiKey, Teammate, Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, record_audit

API_KEY_PREFIX = "ck_"


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


RANK = {Teammate.Role.AGENT: 0, Teammate.Role.ADMIN: 1, Teammate.Role.OWNER: 2}


def create_api_key(
    workspace: Workspace,
    *,
    name: str = "API key",
    teammate: Teammate | None = None,
    actor: Actor = SYSTEM,
) -> tuple[ApiKey, str]:
    """Returns the stored key and the raw secret, which is shown once and never again (the trail keeps
    only the key's name and prefix). A key made for a `teammate` acts as them (their role's rights,
    and only while they are active); a teammate makes keys for themselves or for a teammate whose
    role ranks no higher than theirs."""
    name = clean_short_text(name, field="name", max_length=80, required=True)
    if teammate is not None:
        if teammate.workspace_id != workspace.pk:
            raise InvalidInput("The key's teammate must be a teammate of this workspace.", field="teammate")
        if not teammate.is_active:
            raise InvalidInput(f"{teammate.name} is deactivated.", field="teammate")
        maker = actor.teammate or (actor.api_key.teammate if actor.api_key else None)
        if maker is not None and RANK[teammate.role] > RANK[maker.role]:
            raise PermissionDenied(
                f"A key acting as {teammate.name} ({teammate.role}) would have more rights than yours.",
                field="teammate",
            )
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            workspace=workspace, name=name, teammate=teammate, prefix=raw[:10], key_hash=hash_api_key(raw)
        )
        changes = {"name": [None, key.name], "prefix": [None, key.prefix]}
        if teammate is not None:
            changes["acts_as"] = [None, teammate.name]
        record_audit(workspace, "api_key.created", actor=actor, target=key, changes=changes)
    return key, raw


def revoke_api_key(key: ApiKey, *, actor: Actor = SYSTEM) -> ApiKey:
    """A revoked key is refused from then on; revoking it again changes nothing."""
    with transaction.atomic():
        if key.revoked_at is not None:
            return key
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record_audit(
            key.workspace,
            "api_key.revoked",
            actor=actor,
            target=key,
            changes={"revoked_at": [None, key.revoked_at]},
        )
    return key


def mark_api_key_used(key: ApiKey) -> None:
    """Record use at most once a minute, so a busy key does not write on every request."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
