"""Writes for workspaces, teammates, teams and API keys."""

import hashlib
import re
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import ApiKey, Team, Teammate, Workspace

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
API_KEY_PREFIX = "ck_"


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"'{email}' is not a valid email address.", field="email") from exc
    return email


def _clean_password(password: str, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    return password


def _user_for_email(email: str, password: str | None, name: str):
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is None:
        user = User(username=email, email=email, first_name=name[:150])
        if password:
            _clean_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    # An existing account keeps its password: joining a workspace must never reset someone's login.
    return user


def create_workspace(
    *,
    name: str,
    slug: str,
    timezone_name: str,
    owner_email: str,
    owner_password: str | None = None,
    owner_name: str = "",
    locale: str = "en",
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
    owner_email = _clean_email(owner_email)
    with transaction.atomic():
        if Workspace.objects.filter(slug=slug).exists():
            raise Conflict(f"A workspace with slug '{slug}' already exists.", field="slug")
        workspace = Workspace.objects.create(name=name, slug=slug, timezone=timezone_name, locale=locale)
        add_teammate(
            workspace,
            email=owner_email,
            name=owner_name or owner_email.split("@")[0],
            role=Teammate.Role.OWNER,
            timezone_name=timezone_name,
            password=owner_password,
        )
    return workspace


def update_workspace(workspace: Workspace, *, name=None, timezone_name=None, locale=None) -> Workspace:
    if name is not None:
        workspace.name = clean_short_text(name, field="name", max_length=120, required=True)
    if timezone_name is not None:
        workspace.timezone = validate_zone_name(timezone_name)
    if locale is not None:
        workspace.locale = validate_locale_name(locale)
    workspace.save()
    return workspace


def add_teammate(
    workspace: Workspace,
    *,
    email: str,
    name: str,
    role: str = Teammate.Role.AGENT,
    timezone_name: str = "UTC",
    locale: str = "en",
    password: str | None = None,
    external_id: str = "",
) -> Teammate:
    email = _clean_email(email)
    name = clean_short_text(name, field="name", max_length=120, required=True)
    if role not in Teammate.Role.values:
        raise InvalidInput(f"role '{role}' must be one of {', '.join(Teammate.Role.values)}.", field="role")
    validate_zone_name(timezone_name)
    validate_locale_name(locale)
    external_id = clean_short_text(external_id, field="external_id", max_length=120)
    with transaction.atomic():
        user = _user_for_email(email, password, name)
        if Teammate.objects.filter(workspace=workspace, user=user).exists():
            raise Conflict(f"{email} is already a teammate in this workspace.", field="email")
        if external_id and Teammate.objects.filter(workspace=workspace, external_id=external_id).exists():
            raise Conflict(
                f"A teammate with external id '{external_id}' already exists.", field="external_id"
            )
        return Teammate.objects.create(
            workspace=workspace,
            user=user,
            name=name,
            role=role,
            timezone=timezone_name,
            locale=locale,
            external_id=external_id,
        )


def update_teammate(teammate: Teammate, *, name=None, role=None, timezone_name=None, locale=None) -> Teammate:
    if name is not None:
        teammate.name = clean_short_text(name, field="name", max_length=120, required=True)
    if role is not None:
        if role not in Teammate.Role.values:
            raise InvalidInput(
                f"role '{role}' must be one of {', '.join(Teammate.Role.values)}.", field="role"
            )
        teammate.role = role
    if timezone_name is not None:
        teammate.timezone = validate_zone_name(timezone_name)
    if locale is not None:
        teammate.locale = validate_locale_name(locale)
    teammate.save()
    return teammate


def create_team(workspace: Workspace, *, name: str, members: list[Teammate] = ()) -> Team:
    name = clean_short_text(name, field="name", max_length=80, required=True)
    for member in members:
        if member.workspace_id != workspace.pk:
            raise InvalidInput("A team member must be a teammate of this workspace.", field="members")
    try:
        with transaction.atomic():
            team = Team.objects.create(workspace=workspace, name=name)
            team.members.add(*members)
    except IntegrityError as exc:
        raise Conflict(f"A team named '{name}' already exists.", field="name") from exc
    return team


def add_team_member(team: Team, teammate: Teammate) -> None:
    if teammate.workspace_id != team.workspace_id:
        raise InvalidInput("A team member must be a teammate of the team's workspace.", field="teammate")
    team.members.add(teammate)


def remove_team_member(team: Team, teammate: Teammate) -> None:
    team.members.remove(teammate)


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
