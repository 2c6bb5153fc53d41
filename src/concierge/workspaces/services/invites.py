"""Invitations: an owner or admin invites someone by email; the email's link lets them set a password
and join. The link works once, for INVITE_VALID_FOR, and a resend replaces it. Only the link token's
SHA-256 is stored, so the email is sent by the service that made the token, once the invitation is
committed (docs/decisions/invitations-sent-with-the-request.md)."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from concierge.core.text import clean_short_text
from concierge.workspaces.emails import build_invite_email
from concierge.workspaces.models import AuditEntry, Invite, Teammate, Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, record_audit
from concierge.workspaces.services.teammates import (
    add_teammate,
    check_owner_rights,
    clean_email,
    clean_password,
)

logger = logging.getLogger(__name__)

INVITE_VALID_FOR = timedelta(days=7)
LINK_NOT_VALID = (
    "This invitation link is no longer valid: it was used, replaced by a newer one, cancelled or has "
    "expired. Ask whoever invited you to send a new invitation."
)


def hash_invite_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_invite_token(token)


def _check_role(role: str) -> str:
    if role not in Teammate.Role.values:
        raise InvalidInput(f"role '{role}' must be one of {', '.join(Teammate.Role.values)}.", field="role")
    return role


def invite_teammate(
    workspace: Workspace,
    *,
    email: str,
    name: str = "",
    role: str = Teammate.Role.AGENT,
    actor: Actor = SYSTEM,
    at: datetime | None = None,
) -> tuple[Invite, str]:
    """Invite someone by email and mail them the link. Returns the invitation and its link's token
    (for the email; never stored). An open invitation of the same address that has expired is
    replaced; one still valid is a conflict (send it again instead)."""
    email = clean_email(email)
    name = clean_short_text(name, field="name", max_length=120)
    role = _check_role(role)
    check_owner_rights(actor, new_role=role)
    at = at or timezone.now()
    token, token_hash = _new_token()
    try:
        with transaction.atomic():
            teammate = Teammate.objects.filter(workspace=workspace, user__username=email).first()
            if teammate is not None:
                raise Conflict(
                    f"{email} is already a teammate in this workspace"
                    + ("." if teammate.is_active else " (deactivated: reactivate them instead)."),
                    field="email",
                )
            earlier = (
                Invite.objects.select_for_update()
                .filter(workspace=workspace, email=email, accepted_at__isnull=True, cancelled_at__isnull=True)
                .first()
            )
            if earlier is not None:
                if earlier.expires_at > at:
                    raise Conflict(
                        f"{email} is already invited: send the invitation again instead.", field="email"
                    )
                earlier.cancelled_at = at
                earlier.save(update_fields=["cancelled_at"])
            invite = Invite.objects.create(
                workspace=workspace,
                email=email,
                name=name,
                role=role,
                token_hash=token_hash,
                invited_by=actor.teammate,
                created_at=at,
                expires_at=at + INVITE_VALID_FOR,
            )
            changes = {"email": [None, email], "role": [None, role]}
            if name:
                changes["name"] = [None, name]
            record_audit(workspace, "teammate.invited", actor=actor, target=invite, changes=changes, at=at)
    except IntegrityError as exc:  # the same address invited twice at the same moment
        raise Conflict(
            f"{email} is already invited: send the invitation again instead.", field="email"
        ) from exc
    send_invite_email(invite, token)
    return invite, token


def resend_invite(invite: Invite, *, actor: Actor = SYSTEM, at: datetime | None = None) -> tuple[Invite, str]:
    """A new link (the earlier one stops working), valid INVITE_VALID_FOR from now, mailed again."""
    at = at or timezone.now()
    token, token_hash = _new_token()
    check_owner_rights(actor, new_role=invite.role)
    with transaction.atomic():
        invite = _locked_open_invite(invite)
        invite.token_hash = token_hash
        invite.expires_at = at + INVITE_VALID_FOR
        invite.save(update_fields=["token_hash", "expires_at"])
        record_audit(
            invite.workspace,
            "teammate.invite_resent",
            actor=actor,
            target=invite,
            changes={"email": [invite.email, invite.email]},
            at=at,
        )
    send_invite_email(invite, token)
    return invite, token


def cancel_invite(invite: Invite, *, actor: Actor = SYSTEM, at: datetime | None = None) -> Invite:
    """The invitation's link stops working."""
    at = at or timezone.now()
    check_owner_rights(actor, new_role=invite.role)
    with transaction.atomic():
        invite = _locked_open_invite(invite)
        invite.cancelled_at = at
        invite.save(update_fields=["cancelled_at"])
        record_audit(
            invite.workspace,
            "teammate.invite_cancelled",
            actor=actor,
            target=invite,
            changes={"email": [invite.email, None]},
            at=at,
        )
    return invite


def _locked_open_invite(invite: Invite) -> Invite:
    locked = Invite.objects.select_for_update().select_related("workspace").get(pk=invite.pk)
    if locked.accepted_at is not None:
        raise Conflict(f"{locked.email} has already accepted the invitation.")
    if locked.cancelled_at is not None:
        raise Conflict(f"The invitation of {locked.email} was cancelled.")
    return locked


def send_invite_email(invite: Invite, token: str) -> bool:
    """Mail the invitation's link. A mail server that does not take it leaves the reason on the
    invitation (the teammates page shows it, with "Send again"); the invitation stands."""
    try:
        build_invite_email(invite, token).send()
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is told to the team
        reason = f"{type(error).__name__}: {error}"[:300]
        logger.warning("Invitation email to %s not sent: %s", invite.email, reason)
        Invite.objects.filter(pk=invite.pk).update(send_error=reason)
        invite.send_error = reason
        return False
    sent_at = timezone.now()
    Invite.objects.filter(pk=invite.pk).update(sent_at=sent_at, send_error="")
    invite.sent_at, invite.send_error = sent_at, ""
    return True


def open_invite_for_token(token: str, *, at: datetime | None = None) -> Invite:
    """The invitation this link is for, while it may still be accepted; NotFound otherwise."""
    at = at or timezone.now()
    if not token or len(token) > 100:
        raise NotFound(LINK_NOT_VALID)
    invite = Invite.objects.select_related("workspace").filter(token_hash=hash_invite_token(token)).first()
    if invite is None or invite.accepted_at or invite.cancelled_at or invite.expires_at <= at:
        raise NotFound(LINK_NOT_VALID)
    return invite


def accept_invite(
    token: str,
    *,
    name: str,
    password: str | None = None,
    signed_in_user=None,
    at: datetime | None = None,
) -> Teammate:
    """The invited person joins. A new account gets the password they chose; someone who already has
    an account (in another workspace) joins by being signed in to it, and keeps their password."""
    at = at or timezone.now()
    name = clean_short_text(name, field="name", max_length=120, required=True)
    with transaction.atomic():
        invite = open_invite_for_token(token, at=at)
        invite = Invite.objects.select_for_update().select_related("workspace").get(pk=invite.pk)
        if invite.accepted_at or invite.cancelled_at:  # accepted at the same moment in another tab
            raise NotFound(LINK_NOT_VALID)
        user = get_user_model().objects.filter(username=invite.email).first()
        # An account switched off (deactivated everywhere) cannot sign in: the invited person sets a
        # new password from the link, as the owner of the address the link was sent to.
        has_login = user is not None and user.is_active and user.has_usable_password()
        if has_login and (signed_in_user is None or signed_in_user.pk != user.pk):
            raise PermissionDenied(
                f"{invite.email} already has an account: sign in to it, then open the link again."
            )
        if not has_login:
            if not password:
                raise InvalidInput("Choose a password.", field="password")
            if user is None:
                user = get_user_model()(username=invite.email, email=invite.email, first_name=name[:150])
            clean_password(password, user)
            user.set_password(password)
            user.is_active = True
            user.save()
        if Teammate.objects.filter(workspace=invite.workspace, user=user).exists():
            raise Conflict(f"{invite.email} is already a teammate in this workspace.")
        teammate = add_teammate(
            invite.workspace,
            email=invite.email,
            name=name,
            role=invite.role,
            timezone_name=invite.workspace.timezone,
            locale=invite.workspace.locale,
            actor=Actor(kind=AuditEntry.ActorKind.TEAMMATE, label=f"{name} (accepting the invitation)"),
        )
        invite.accepted_at = at
        invite.teammate = teammate
        invite.save(update_fields=["accepted_at", "teammate"])
    return teammate
