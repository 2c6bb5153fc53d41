"""Writes for contacts: create, update, a teammate's edit, identify, merge a lead into a user, confirm a
lead's address."""

import json
import math
import re
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.contacts.announcements import ContactRenamed, LeadMerged
from concierge.contacts.models import Contact
from concierge.contacts.selectors import user_by_email
from concierge.core.db import column_values_for_new, insert_new_rows, lock_rows
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.reactions import announce
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.core.zones import validate_locale_name, validate_zone_name
from concierge.workspaces.models import Workspace
from concierge.workspaces.services.audit import Actor, changed_fields, record_audit

MAX_ATTRIBUTES_BYTES = 16_384
MAX_ATTRIBUTES = 100
MAX_ATTRIBUTE_NAME = 64
MAX_ATTRIBUTE_TEXT = 1_000
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ .\-]*$")


def _clean_contact_fields(fields: dict) -> dict:
    cleaned = {}
    for key, limit in (("external_id", 190), ("visitor_id", 190), ("name", 190), ("city", 120)):
        if key in fields and fields[key] is not None:
            value = clean_short_text(fields[key], field=key, max_length=limit)
            cleaned[key] = value or (None if key in {"external_id", "visitor_id"} else "")
    if fields.get("email"):
        email = fields["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(f"'{email}' is not a valid email address.", field="email") from exc
        cleaned["email"] = email
    elif "email" in fields and fields["email"] is not None:
        cleaned["email"] = ""
    if fields.get("timezone"):
        cleaned["timezone"] = validate_zone_name(fields["timezone"])
    if fields.get("locale"):
        cleaned["locale"] = validate_locale_name(fields["locale"])
    if fields.get("attributes") is not None:
        attributes = fields["attributes"]
        if not isinstance(attributes, dict):
            raise InvalidInput("attributes must be an object of names to values.", field="attributes")
        if len(json.dumps(attributes)) > MAX_ATTRIBUTES_BYTES:
            raise InvalidInput(
                f"attributes are larger than {MAX_ATTRIBUTES_BYTES} bytes.", field="attributes"
            )
        cleaned["attributes"] = attributes
    return cleaned


def create_contact(workspace: Workspace, *, at: datetime | None = None, **fields) -> Contact:
    """A user (with external_id and/or email) or a lead (with visitor_id only). `at` is when the
    contact first appeared (the demo and imports say; live callers leave it out: now)."""
    if at is not None and timezone.is_naive(at):
        raise InvalidInput("A time must carry its zone offset.", field="at")
    cleaned = _clean_contact_fields(fields)
    if not (cleaned.get("external_id") or cleaned.get("email") or cleaned.get("visitor_id")):
        raise InvalidInput("A contact needs an external_id, an email or a visitor_id.")
    kind = fields.get("kind") or (
        Contact.Kind.LEAD
        if cleaned.get("visitor_id") and not cleaned.get("external_id")
        else Contact.Kind.USER
    )
    if kind not in Contact.Kind.values:
        raise InvalidInput(f"kind '{kind}' must be 'user' or 'lead'.", field="kind")
    _check_kind_fits_identity(kind, cleaned)
    try:
        with transaction.atomic():
            return Contact.objects.create(
                workspace=workspace, kind=kind, created_at=at or timezone.now(), **cleaned
            )
    except IntegrityError as exc:
        raise Conflict("A contact with that external_id or visitor_id already exists.") from exc


def _check_kind_fits_identity(kind: str, fields: dict) -> None:
    """A lead is an anonymous visitor, reached by its visitor id; a contact with an external id is a
    user, reached only with its verified identity (the messenger's user hash). A contact that says
    both would open a user's conversations to whoever knows the visitor id: refused."""
    if kind == Contact.Kind.LEAD and fields.get("external_id"):
        raise InvalidInput(
            "A lead has no external_id: a contact with one is a user, reached only with its verified "
            "identity.",
            field="kind",
        )
    if kind == Contact.Kind.USER and not (fields.get("external_id") or fields.get("email")):
        raise InvalidInput(
            "A user needs an external_id or an email; a visitor known by neither is a lead.", field="kind"
        )


def update_contact(contact: Contact, **fields) -> Contact:
    cleaned = _clean_contact_fields(fields)
    if "attributes" in cleaned:
        cleaned["attributes"] = {**contact.attributes, **cleaned["attributes"]}
    for key, value in cleaned.items():
        setattr(contact, key, value)
    if contact.external_id and contact.kind == Contact.Kind.LEAD:
        contact.kind = Contact.Kind.USER
    _check_kind_fits_identity(contact.kind, {"external_id": contact.external_id, "email": contact.email})
    renamed = contact.pk is not None and any(key in cleaned for key in ("name", "email"))
    try:
        with transaction.atomic():
            contact.save()
            if renamed:
                announce(ContactRenamed(workspace_id=contact.workspace_id, contact_id=contact.pk))
    except IntegrityError as exc:
        raise Conflict("Another contact already has that external_id or visitor_id.") from exc
    return contact


def clean_attributes(attributes, *, field: str = "attributes") -> dict:
    """A contact's attributes as a teammate may set them: at most MAX_ATTRIBUTES names, each a short
    name of letters, digits, spaces and _ . - ; each value text (one line, at most MAX_ATTRIBUTE_TEXT
    characters), a finite number, true/false or empty (None). A nested value the contact already
    had (from the API or an import) may be passed back as it was."""
    if not isinstance(attributes, dict):
        raise InvalidInput(f"{field} must be names and values.", field=field)
    if len(attributes) > MAX_ATTRIBUTES:
        raise InvalidInput(f"A contact has at most {MAX_ATTRIBUTES} attributes.", field=field)
    cleaned = {}
    for name, value in attributes.items():
        if not isinstance(name, str) or not ATTRIBUTE_NAME.fullmatch(name.strip()):
            raise InvalidInput(
                f"The attribute name '{name}' must start with a letter, digit or _ and hold only letters, "
                "digits, spaces and _ . -",
                field=field,
            )
        name = name.strip()
        if len(name) > MAX_ATTRIBUTE_NAME:
            raise InvalidInput(
                f"The attribute name '{name[:20]}…' is longer than {MAX_ATTRIBUTE_NAME} characters.",
                field=field,
            )
        if isinstance(value, str):
            value = refuse_control_characters(value, field=f"{field}.{name}", allowed="").strip()
            if len(value) > MAX_ATTRIBUTE_TEXT:
                raise InvalidInput(
                    f"The value of '{name}' is longer than {MAX_ATTRIBUTE_TEXT} characters.", field=field
                )
        elif isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(f"The value of '{name}' must be a finite number.", field=field)
        elif not (value is None or isinstance(value, bool | int | float | dict | list)):
            raise InvalidInput(f"The value of '{name}' must be text, a number or true/false.", field=field)
        cleaned[name] = value
    if len(json.dumps(cleaned)) > MAX_ATTRIBUTES_BYTES:
        raise InvalidInput(f"attributes are larger than {MAX_ATTRIBUTES_BYTES} bytes.", field=field)
    return cleaned


EDITABLE = ("name", "email", "attributes")


def _as_trail_fields(values: dict) -> dict:
    """Each attribute as a field of its own ("attributes.plan"), so the trail names what changed."""
    flat = {key: value for key, value in values.items() if key != "attributes"}
    flat.update({f"attributes.{name}": value for name, value in values["attributes"].items()})
    return flat


def edit_contact(
    contact: Contact,
    *,
    actor: Actor,
    name: str,
    email: str,
    attributes: dict,
    at: datetime | None = None,
) -> Contact:
    """A teammate corrects what is known of a contact: their name, email address and attributes (the
    attributes given replace the contact's). The identity the contact is reached by stays: a verified
    external id or a visitor id is not edited, and a user keeps an email address unless they have an
    external id. Recorded in the audit trail with who edited what; an edit that changes nothing records
    nothing. The row is locked and read again, so two edits at once apply one after the other."""
    fields = _clean_contact_fields({"name": name, "email": email})
    fields["attributes"] = clean_attributes(attributes)
    with transaction.atomic():
        current = (
            Contact.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=contact.pk)
        )
        if current.kind == Contact.Kind.USER and not current.external_id and not fields["email"]:
            raise InvalidInput(
                "This user is known by their email address alone: it cannot be left empty.", field="email"
            )
        before = {key: getattr(current, key) for key in EDITABLE}
        changes = changed_fields(_as_trail_fields(before), _as_trail_fields(fields))
        if not changes:
            return current
        for key, value in fields.items():
            setattr(current, key, value)
        current.save(update_fields=list(fields))
        if before["name"] != current.name or before["email"] != current.email:
            announce(ContactRenamed(workspace_id=current.workspace_id, contact_id=current.pk))
        record_audit(current.workspace, "contact.edited", actor=actor, target=current, changes=changes, at=at)
    return current


def contact_for_external_id(workspace: Workspace, external_id: str) -> Contact:
    """The contact with this external id, created when unknown (the importer's rule)."""
    contact = Contact.objects.filter(workspace=workspace, external_id=external_id).first()
    if contact is None:
        contact = create_contact(workspace, external_id=external_id)
    return contact


def create_users_in_bulk(workspace: Workspace, external_ids: Sequence[str]) -> dict[str, int]:
    """A user per external id (a contact the event log names and nothing else describes), with the
    values Django would give a new Contact, in one statement per 5,000 ids. An id that already has a
    contact is left as it is and is not among the ids returned (by external id)."""
    columns, values = column_values_for_new(
        Contact(workspace=workspace, kind=Contact.Kind.USER, external_id="")
    )
    position = columns.index("external_id")
    del columns[position], values[position]
    return insert_new_rows(Contact, columns, values, "external_id", external_ids)


def contact_for_visitor(workspace: Workspace, visitor_id: str) -> Contact:
    """The messenger's anonymous visitor: a lead, created on first contact."""
    contact = Contact.objects.filter(workspace=workspace, visitor_id=visitor_id).first()
    if contact is None:
        contact = create_contact(workspace, visitor_id=visitor_id, kind=Contact.Kind.LEAD)
    return contact


def touch_contact(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(last_seen_at=timezone.now())


def merge_lead_into_user(lead: Contact, user: Contact, *, at: datetime | None = None) -> Contact:
    """Merge a lead into the user it turned out to be: the user takes the details it lacks and the
    lead's attributes it does not have; the lead stays as a record pointing at the user. The apps
    above move what belongs to the lead (conversations) and record the merge in the log, in this
    transaction, by reacting to LeadMerged. Both rows are locked and checked again under the lock,
    so of two merges of one lead at the same moment one merges and the other is refused."""
    if lead.workspace_id != user.workspace_id:
        raise InvalidInput("Both contacts must belong to the same workspace.")
    if lead.pk == user.pk:
        raise InvalidInput("A contact cannot be merged into itself.", field="user")
    at = at or timezone.now()
    with transaction.atomic():
        locked = {
            contact.pk: contact
            for contact in Contact.objects.select_for_update()
            .filter(workspace_id=lead.workspace_id, pk__in=[lead.pk, user.pk])
            .order_by("pk")
        }
        lead, user = locked[lead.pk], locked[user.pk]
        if lead.kind != Contact.Kind.LEAD:
            raise InvalidInput("Only a lead can be merged into a user.", field="lead")
        if lead.merged_into_id:
            raise Conflict("This lead was already merged.")
        if user.kind != Contact.Kind.USER:
            raise InvalidInput("A lead can only be merged into a user.", field="user")
        for key in ("name", "email", "timezone", "locale", "city"):
            if not getattr(user, key) and getattr(lead, key):
                setattr(user, key, getattr(lead, key))
        user.attributes = {**lead.attributes, **user.attributes}
        user.save()
        lead.merged_into = user
        lead.save(update_fields=["merged_into"])
        announce(
            LeadMerged(
                workspace_id=user.workspace_id, lead_id=lead.pk, user_id=user.pk, lead_ref=lead.ref, at=at
            )
        )
    return user


def confirm_lead_email(lead: Contact, *, at: datetime | None = None) -> Contact:
    """A lead proved it reads its email address (it followed a link sent there): it joins the user
    with that address — merged into them (`merge_lead_into_user`, so the apps above move what is the
    lead's and the log records the merge) — or becomes that user when no user has the address yet.
    Returns the user; a lead already merged, or already a user, changes nothing.

    A messenger visitor is not confirmed this way: the messenger identifies a visitor (user id and
    hash), and an address typed in a form says nothing about whose browser it was. Confirmations in a
    workspace are taken one at a time (its row is held), so two leads confirming an address no user
    has yet make one user, and the second is merged into it."""
    at = at or timezone.now()
    with transaction.atomic():
        lock_rows(Workspace, [lead.workspace_id])
        current = Contact.objects.select_for_update().select_related("workspace").get(pk=lead.pk)
        if current.merged_into_id:
            return Contact.objects.get(pk=current.merged_into_id)
        if current.kind == Contact.Kind.USER:
            return current
        if current.visitor_id:
            raise InvalidInput("A messenger visitor is identified by the messenger, not by an email link.")
        if not current.email:
            raise InvalidInput("This contact has no email address to confirm.")
        user = user_by_email(current.workspace, current.email)
        if user is not None:
            return merge_lead_into_user(current, user, at=at)
        current.kind = Contact.Kind.USER
        current.save(update_fields=["kind"])
        return current
