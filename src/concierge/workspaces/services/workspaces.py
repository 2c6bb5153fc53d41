"""Writes for a workspace itself: creating it with its owner, changing its name, zone and locale."""

import re

from django.db import transaction

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import Teammate, Workspace, new_identity_secret
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, field_values, record_audit
from concierge.workspaces.services.teammates import add_teammate, clean_email

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
SETTINGS = ("name", "timezone", "locale")


def create_workspace(
    *,
    name: str,
    slug: str,
    timezone_name: str,
    owner_email: str,
    owner_password: str | None = None,
    owner_name: str = "",
    locale: str = "en",
    actor: Actor = SYSTEM,
) -> Workspace:
    """A new workspace with its owner (a new or existing user)."""
    name = clean_short_text(name, field="name", max_length=120, required=True)
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            f"slug '{slug}' must be 1-60 lowercase letters, digits or hyphens, not starting or ending with '-'.",
            field="slug",
        )
    validate_zone_name(timezone_name)
    validate_locale_name(locale)
    owner_email = clean_email(owner_email)
    with transaction.atomic():
        if Workspace.objects.filter(slug=slug).exists():
            raise Conflict(f"A workspace with slug '{slug}' already exists.", field="slug")
        workspace = Workspace.objects.create(name=name, slug=slug, timezone=timezone_name, locale=locale)
        record_audit(
            workspace,
            "workspace.created",
            actor=actor,
            target=workspace,
            changes=changed_fields({}, field_values(workspace, ("name", "slug", *SETTINGS))),
        )
        add_teammate(
            workspace,
            email=owner_email,
            name=owner_name or owner_email.split("@")[0],
            role=Teammate.Role.OWNER,
            timezone_name=timezone_name,
            password=owner_password,
            actor=actor,
        )
    return workspace


def update_workspace(
    workspace: Workspace, *, name=None, timezone_name=None, locale=None, actor: Actor = SYSTEM
) -> Workspace:
    """Change the workspace's name, zone or locale; what is left out (None) stays as it is."""
    after = field_values(workspace, SETTINGS)
    if name is not None:
        after["name"] = clean_short_text(name, field="name", max_length=120, required=True)
    if timezone_name is not None:
        after["timezone"] = validate_zone_name(timezone_name)
    if locale is not None:
        after["locale"] = validate_locale_name(locale)
    changes = changed_fields(field_values(workspace, SETTINGS), after)
    if not changes:
        return workspace
    for field in changes:
        setattr(workspace, field, after[field])
    with transaction.atomic():
        workspace.save(update_fields=list(changes))
        record_audit(workspace, "workspace.updated", actor=actor, target=workspace, changes=changes)
    return workspace


def rotate_identity_secret(workspace: Workspace, *, actor: Actor = SYSTEM) -> Workspace:
    """A new identity secret: every user_hash made with the old one is refused from now on, so the
    product's servers must be given the new one. The trail records the rotation, never the secret."""
    with transaction.atomic():
        workspace.identity_secret = new_identity_secret()
        workspace.save(update_fields=["identity_secret"])
        record_audit(
            workspace,
            "workspace.identity_secret_rotated",
            actor=actor,
            target=workspace,
        )
    return workspace
