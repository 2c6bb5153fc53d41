"""Writes for teammates: a person (a new or existing user) added to a workspace, and their changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput, PermissionDenied
from concierge.core.reactions import announce
from concierge.core.text import clean_short_text
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.announcements import TeammateDeactivated
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, field_values, record_audit

PROFILE = ("name", "initials", "role", "timezone", "locale", "is_active")
MAX_INITIALS = 3
OWNERS_ONLY = "Only an owner can make someone an owner, or change or deactivate an owner."


def acting_role(actor: Actor) -> str | None:
    """The role the actor acts with: a teammate's own, an API key's teammate's; None for a key made on
    the server (`createapikey`), a command, the Django admin or the system, which act as the operator."""
    if actor.teammate is not None:
        return actor.teammate.role
    if actor.api_key is not None and actor.api_key.teammate_id is not None:
        return actor.api_key.teammate.role
    return None


def check_owner_rights(actor: Actor, *, target_role: str | None = None, new_role: str | None = None) -> None:
    """Refuses a non-owner who would touch an owner or make one (PermissionDenied)."""
    if Teammate.Role.OWNER not in (target_role, new_role):
        return
    role = acting_role(actor)
    if role is not None and role != Teammate.Role.OWNER:
        raise PermissionDenied(OWNERS_ONLY, field="role")


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"'{email}' is not a valid email address.", field="email") from exc
    return email


def clean_initials(initials: str) -> str:
    """Up to three letters or digits for the avatar ("AB", "Ö", "李"); empty means the name's."""
    initials = clean_short_text(initials, field="initials", max_length=20).replace(" ", "")
    if len(initials) > MAX_INITIALS or not all(character.isalnum() for character in initials):
        raise InvalidInput(
            f"initials '{initials}' must be at most {MAX_INITIALS} letters or digits (e.g. 'OB').",
            field="initials",
        )
    return initials.upper()


def check_new_password(password: str) -> str:
    """The password rules, for a form that asks for a new account's password before adding it."""
    return clean_password(password)


def clean_password(password: str, user=None) -> str:
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
            clean_password(password, user)
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
    actor: Actor = SYSTEM,
) -> Teammate:
    """A person (a new or existing user, by email) joins the workspace. Their password, when given, is
    set on a new account only and never recorded."""
    email = clean_email(email)
    name = clean_short_text(name, field="name", max_length=120, required=True)
    if role not in Teammate.Role.values:
        raise InvalidInput(f"role '{role}' must be one of {', '.join(Teammate.Role.values)}.", field="role")
    check_owner_rights(actor, new_role=role)
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
        teammate = Teammate.objects.create(
            workspace=workspace,
            user=user,
            name=name,
            role=role,
            timezone=timezone_name,
            locale=locale,
            external_id=external_id,
        )
        _keep_sign_in_in_step(user.pk)  # someone deactivated everywhere else signs in again
        added = {"email": email, **field_values(teammate, ("name", "role", "timezone", "locale"))}
        if external_id:
            added["external_id"] = external_id
        record_audit(
            workspace, "teammate.added", actor=actor, target=teammate, changes=changed_fields({}, added)
        )
    return teammate


def update_teammate(
    teammate: Teammate,
    *,
    name=None,
    initials=None,
    role=None,
    timezone_name=None,
    locale=None,
    is_active: bool | None = None,
    actor: Actor = SYSTEM,
) -> Teammate:
    """Change a teammate's name, avatar initials, role, zone or locale, or (de)activate them; what is left out (None)
    stays as it is. A workspace always keeps an active owner, and only an owner changes an owner (an
    owner's own profile aside) or makes one.

    A deactivated teammate can no longer sign in (unless another workspace still has them), their API
    keys stop working, and their open conversations go back to the unassigned queue (announced:
    TeammateDeactivated); their history stays. Reactivating them lets them sign in again."""
    after = field_values(teammate, PROFILE)
    if name is not None:
        after["name"] = clean_short_text(name, field="name", max_length=120, required=True)
    if initials is not None:
        after["initials"] = clean_initials(initials)
    if role is not None:
        if role not in Teammate.Role.values:
            raise InvalidInput(
                f"role '{role}' must be one of {', '.join(Teammate.Role.values)}.", field="role"
            )
        after["role"] = role
    if timezone_name is not None:
        after["timezone"] = validate_zone_name(timezone_name)
    if locale is not None:
        after["locale"] = validate_locale_name(locale)
    if is_active is not None:
        after["is_active"] = bool(is_active)
    changes = changed_fields(field_values(teammate, PROFILE), after)
    if not changes:
        return teammate
    editing_themself = actor.teammate is not None and actor.teammate.pk == teammate.pk
    if "role" in changes or "is_active" in changes or not editing_themself:
        # An owner's name, zone or language too: only an owner, or the owner themself, changes them.
        check_owner_rights(actor, target_role=teammate.role, new_role=after["role"])
    with transaction.atomic():
        stops_owning = teammate.role == Teammate.Role.OWNER and teammate.is_active
        stops_owning &= after["role"] != Teammate.Role.OWNER or not after["is_active"]
        if stops_owning and not _other_active_owner(teammate):
            raise Conflict(
                f"{teammate.name} is the workspace's only active owner: make someone else owner first.",
                field="is_active" if "is_active" in changes else "role",
            )
        for field in changes:
            setattr(teammate, field, after[field])
        teammate.save(update_fields=list(changes))
        if "is_active" in changes:
            _keep_sign_in_in_step(teammate.user_id)
            if not teammate.is_active:
                announce(
                    TeammateDeactivated(
                        workspace_id=teammate.workspace_id, teammate_id=teammate.pk, at=timezone.now()
                    )
                )
        record_audit(
            teammate.workspace, _update_action(changes), actor=actor, target=teammate, changes=changes
        )
    return teammate


def _keep_sign_in_in_step(user_id: int) -> None:
    """A person signs in while they are an active teammate somewhere (or run the site: staff). Their
    account is switched off with their last workspace, which also ends the sessions they have open."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user_id)
    may_sign_in = (
        user.is_staff
        or user.is_superuser
        or Teammate.objects.filter(user_id=user_id, is_active=True).exists()
    )
    if user.is_active != may_sign_in:
        user.is_active = may_sign_in
        user.save(update_fields=["is_active"])


def _other_active_owner(teammate: Teammate) -> bool:
    # The workspace's active owners are locked, in one order, so two owners demoting each other at the
    # same moment wait for one another and the second sees the first's change.
    owners = (
        Teammate.objects.filter(workspace_id=teammate.workspace_id, role=Teammate.Role.OWNER, is_active=True)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return any(pk != teammate.pk for pk in owners)


def _update_action(changes: dict) -> str:
    if "is_active" in changes:
        return "teammate.reactivated" if changes["is_active"][1] else "teammate.deactivated"
    if "role" in changes:
        return "teammate.role_changed"
    return "teammate.updated"
