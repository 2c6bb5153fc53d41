"""A workspace's mailboxes: configuration, audited with its actor like teams and tags."""

import ipaddress

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.mail.credentials import encrypt_password
from concierge.mail.models import Mailbox
from concierge.workspaces.models import Team, Workspace
from concierge.workspaces.services import SYSTEM, Actor, changed_fields, record_audit

MAX_SIGNATURE = 2_000
MAX_ACK_TEXT = 5_000
AUDITED_FIELDS = [
    "address",
    "sender_name",
    "default_team_id",
    "signature",
    "auto_ack_enabled",
    "auto_ack_text",
    "arrival",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_user",
    "imap_folder",
]


def create_mailbox(
    workspace: Workspace, *, address: str, sender_name: str, actor: Actor = SYSTEM, **settings
) -> Mailbox:
    values = _cleaned(workspace, {"address": address, "sender_name": sender_name, **settings})
    password = values.pop("imap_password", None)
    try:
        with transaction.atomic():
            mailbox = Mailbox(workspace=workspace, created_at=timezone.now(), **values)
            check_plain_imap_only_on_loopback(mailbox)
            if password:
                mailbox.imap_password_encrypted = encrypt_password(password)
            mailbox.save()
            changes = {
                name: [None, getattr(mailbox, name)]
                for name in AUDITED_FIELDS
                if getattr(mailbox, name) not in (None, "", False)
            }
            if password:
                changes["imap_password"] = [None, "(set)"]
            record_audit(workspace, "mailbox.created", actor=actor, target=mailbox, changes=changes)
    except IntegrityError as exc:
        raise Conflict(
            f"The address {values['address']} is already a mailbox (of this or another workspace).",
            field="address",
        ) from exc
    return mailbox


def update_mailbox(mailbox: Mailbox, *, actor: Actor = SYSTEM, **settings) -> Mailbox:
    """Change what is given; an empty `imap_password` keeps the stored one."""
    values = _cleaned(mailbox.workspace, settings, partial=True)
    password = values.pop("imap_password", None)
    try:
        with transaction.atomic():
            locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
            before = {name: getattr(locked, name) for name in AUDITED_FIELDS}
            for name, value in values.items():
                setattr(locked, name, value)
            check_plain_imap_only_on_loopback(locked)
            if (
                locked.address != before["address"]
                or locked.imap_host != before["imap_host"]
                or locked.imap_folder != before["imap_folder"]
            ):
                locked.imap_uid_validity, locked.imap_last_uid = None, 0  # another mailbox: start afresh
            if password:
                locked.imap_password_encrypted = encrypt_password(password)
            locked.save()
            changes = changed_fields(before, {name: getattr(locked, name) for name in AUDITED_FIELDS})
            if password:
                changes["imap_password"] = ["(set)", "(changed)"]
            if changes:
                record_audit(locked.workspace, "mailbox.updated", actor=actor, target=locked, changes=changes)
    except IntegrityError as exc:
        raise Conflict(f"The address {values.get('address')} is already a mailbox.", field="address") from exc
    return locked


def delete_mailbox(mailbox: Mailbox, *, actor: Actor = SYSTEM) -> None:
    """The mailbox goes; its conversations stay (their later replies are not emailed)."""
    with transaction.atomic():
        record_audit(
            mailbox.workspace,
            "mailbox.deleted",
            actor=actor,
            target=mailbox,
            changes={"address": [mailbox.address, None]},
        )
        mailbox.delete()


def record_imap_progress(mailbox: Mailbox, *, uid_validity: int, last_uid: int, error: str = "") -> None:
    """Where the poller got to in the IMAP folder (not configuration: not audited)."""
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_uid_validity=uid_validity, imap_last_uid=last_uid, imap_last_error=error[:1000]
    )


def record_imap_error(mailbox: Mailbox, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_last_error=error[:1000])


def is_loopback_host(host: str) -> bool:
    host = (host or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_plain_imap_only_on_loopback(mailbox: Mailbox) -> None:
    """IMAP without TLS sends the password in the clear: only to a server on this machine."""
    if (
        mailbox.imap_security == Mailbox.Security.NONE
        and mailbox.imap_host
        and not is_loopback_host(mailbox.imap_host)
    ):
        raise InvalidInput(
            "IMAP without TLS is only for a server on this machine (localhost, 127.0.0.1, ::1): "
            f"{mailbox.imap_host} needs SSL/TLS or STARTTLS.",
            field="imap_security",
        )


def _cleaned(workspace: Workspace, values: dict, *, partial: bool = False) -> dict:
    cleaned = {}
    unknown = set(values) - {*AUDITED_FIELDS, "default_team", "imap_password"}
    if unknown:
        raise InvalidInput(f"Unknown mailbox setting(s): {', '.join(sorted(unknown))}.")
    if "address" in values or not partial:
        cleaned["address"] = _address(values.get("address"))
    if "sender_name" in values or not partial:
        cleaned["sender_name"] = clean_short_text(
            values.get("sender_name") or "", field="sender_name", max_length=120, required=True
        )
    if "default_team" in values:
        team = values["default_team"]
        if team is not None and (not isinstance(team, Team) or team.workspace_id != workspace.pk):
            raise InvalidInput("That team belongs to another workspace.", field="default_team")
        cleaned["default_team"] = team
    for name, limit in (("signature", MAX_SIGNATURE), ("auto_ack_text", MAX_ACK_TEXT)):
        if name in values:
            text = str(values[name] or "")
            refuse_control_characters(text, field=name, allowed="\n\r\t")
            if len(text) > limit:
                raise InvalidInput(
                    f"{name} is {len(text)} characters long; the limit is {limit}.", field=name
                )
            cleaned[name] = text.replace("\r\n", "\n").strip()
    if "imap_security" in values:
        security = values["imap_security"] or Mailbox.Security.SSL
        if security not in Mailbox.Security.values:
            raise InvalidInput(
                f"imap_security must be one of {', '.join(Mailbox.Security.values)}.", field="imap_security"
            )
        cleaned["imap_security"] = security
    for name in ("auto_ack_enabled",):
        if name in values:
            cleaned[name] = bool(values[name])
    if "arrival" in values or not partial:
        arrival = values.get("arrival") or Mailbox.Arrival.LISTENER
        if arrival not in Mailbox.Arrival.values:
            raise InvalidInput(
                f"arrival must be one of {', '.join(Mailbox.Arrival.values)}.", field="arrival"
            )
        cleaned["arrival"] = arrival
    for name, limit in (("imap_host", 253), ("imap_user", 254), ("imap_folder", 200)):
        if name in values:
            cleaned[name] = clean_short_text(values[name] or "", field=name, max_length=limit)
    if cleaned.get("imap_folder") == "":
        cleaned["imap_folder"] = "INBOX"
    if "imap_port" in values:
        port = values["imap_port"]
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise InvalidInput("imap_port must be a number from 1 to 65535.", field="imap_port")
        cleaned["imap_port"] = port
    if values.get("imap_password"):
        password = str(values["imap_password"])
        refuse_control_characters(password, field="imap_password", allowed="")
        if len(password) > 500:
            raise InvalidInput("imap_password is too long.", field="imap_password")
        cleaned["imap_password"] = password
    if (
        cleaned.get("arrival") == Mailbox.Arrival.IMAP
        and not partial
        and not (cleaned.get("imap_host") and cleaned.get("imap_user"))
    ):
        raise InvalidInput("A mailbox polled over IMAP needs its IMAP host and user.", field="imap_host")
    return cleaned


def _address(address) -> str:
    address = str(address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise InvalidInput(f"'{address[:100]}' is not a valid email address.", field="address") from exc
    if "+" in address.partition("@")[0]:
        raise InvalidInput(
            "A mailbox's address has no '+': Concierge adds one for each conversation.", field="address"
        )
    return address
