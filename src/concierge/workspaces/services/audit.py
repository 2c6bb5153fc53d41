"""The audit trail of configuration changes: who acts (`Actor`) and the one way an entry is written
(`record_audit`), inside the transaction of the change it records.

A configuration service takes `actor=` (the system when left out), compares what it changes, and
records one entry with the fields that really changed; a change that changes nothing records nothing.
Each entry also gives the workspace a new set-up version, in the same transaction, so what pages keep
of the set-up (`workspaces.kept`) is made again after the change, and only after it commits.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from concierge.workspaces.models import ApiKey, AuditEntry, Teammate, Workspace, new_setup_version

Kind = AuditEntry.ActorKind
ACTION_PATTERN = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
# Never kept in an entry, whatever a caller passes: the trail is read by more people than these are.
SECRET_FIELDS = frozenset({"password", "raw_key", "key_hash", "identity_secret", "token", "secret"})
MAX_TEXT_IN_ENTRY = 2000
LABEL_LENGTH = AuditEntry._meta.get_field("actor_label").max_length
TARGET_LABEL_LENGTH = AuditEntry._meta.get_field("target_label").max_length


@dataclass(frozen=True)
class Actor:
    """Who made a change: a teammate, an API key, a command, someone in the Django admin, or the system.
    `label` is how the trail names them, kept even when the teammate or key is gone."""

    kind: str
    label: str
    teammate: Teammate | None = None
    api_key: ApiKey | None = None

    @classmethod
    def for_teammate(cls, teammate: Teammate) -> "Actor":
        return cls(kind=Kind.TEAMMATE, label=teammate.name, teammate=teammate)

    @classmethod
    def for_api_key(cls, key: ApiKey) -> "Actor":
        return cls(kind=Kind.API_KEY, label=f"API key '{key.name}' ({key.prefix}…)", api_key=key)

    @classmethod
    def for_command(cls, name: str) -> "Actor":
        return cls(kind=Kind.COMMAND, label=f"command {name}")

    @classmethod
    def for_admin(cls, user) -> "Actor":
        return cls(kind=Kind.ADMIN, label=f"Django admin ({user.get_username()})")

    @classmethod
    def system(cls) -> "Actor":
        return SYSTEM


SYSTEM = Actor(kind=Kind.SYSTEM, label="system")


def audit_value(value: Any) -> Any:
    """A value as the trail keeps it: JSON, readable, long text cut short, a related row by its name."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return audit_value(value.value)
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT_IN_ENTRY else value[: MAX_TEXT_IN_ENTRY - 1] + "…"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(key): audit_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [audit_value(item) for item in value]
    return str(value)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{"field": [old, new]} for each field whose trail value differs; a field missing on one side is
    None there (created: before={}, removed: after={})."""
    changes = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = audit_value(before.get(name)), audit_value(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def field_values(instance: models.Model, names) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _target_type(target: models.Model) -> str:
    """SessionType -> 'session_type'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(target).__name__).lower()


def _workspace_id_of(target: models.Model) -> int | None:
    return target.pk if isinstance(target, Workspace) else getattr(target, "workspace_id", None)


def record_audit(
    workspace: Workspace,
    action: str,
    *,
    actor: Actor,
    target: models.Model | None = None,
    target_label: str | None = None,
    changes: dict[str, list] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction of the change, so the trail and the
    configuration agree: a change that fails leaves no entry."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audit must be called inside the transaction of the change it records")
    if not isinstance(actor, Actor):
        raise TypeError("actor must be an Actor (Actor.for_teammate(…), Actor.for_api_key(…), …)")
    if not ACTION_PATTERN.match(action) or len(action) > 60:
        raise ValueError(f"audit action '{action}' must look like 'thing.verb'")
    for who in (actor.teammate, actor.api_key):
        if who is not None and who.workspace_id != workspace.pk:
            raise ValueError("the audit entry's actor belongs to another workspace")
    if target is not None and _workspace_id_of(target) not in (None, workspace.pk):
        raise ValueError("the audit entry's target belongs to another workspace")
    changes = changes or {}
    secret = SECRET_FIELDS.intersection(changes)
    if secret:
        raise ValueError(f"an audit entry never keeps secrets ({', '.join(sorted(secret))})")
    if target_label is None:
        target_label = str(target) if target is not None else ""
    renew_setup_version(workspace)
    return AuditEntry.objects.create(
        workspace=workspace,
        at=at or timezone.now(),
        actor_kind=actor.kind,
        actor_teammate=actor.teammate,
        actor_api_key=actor.api_key,
        actor_label=actor.label[:LABEL_LENGTH],
        action=action,
        target_type=_target_type(target) if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_label=target_label[:TARGET_LABEL_LENGTH],
        changes={name: [audit_value(old), audit_value(new)] for name, (old, new) in changes.items()},
    )


def renew_setup_version(workspace: Workspace) -> None:
    """A new set-up version, written in the transaction of the change (rolled back with it) and on the
    workspace in hand, so what this request keeps from now on is made at the new version."""
    version = new_setup_version()
    Workspace.objects.filter(pk=workspace.pk).update(setup_version=version)
    workspace.setup_version = version
