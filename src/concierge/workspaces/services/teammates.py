"""Writes for teammates: a person (a new or existing user) added to a workspace, and their changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import Teammate, Workspace


def clean_email(email: str) -> str:
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
    email = clean_email(email)
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
