"""The workspace's outbound settings (the daily cap, audited) and a contact's unsubscription from
proactive email."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.outbound.models import OutboundSettings, Unsubscription
from concierge.outbound.services.messages import _whole
from concierge.workspaces.models import Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, record_audit

MAX_DAILY_CAP = 50


def set_daily_cap(
    workspace: Workspace, daily_cap: int, *, actor: Actor = SYSTEM, at: datetime | None = None
) -> OutboundSettings:
    """No contact gets more than `daily_cap` proactive messages in 24 hours (a message marked to
    override the cap, an outage notice, goes past it)."""
    daily_cap = _whole(daily_cap, "daily_cap", 1, MAX_DAILY_CAP)
    at = at or timezone.now()
    with transaction.atomic():
        settings, _created = OutboundSettings.objects.select_for_update().get_or_create(
            workspace=workspace, defaults={"updated_at": at}
        )
        changes = changed_fields({"daily_cap": settings.daily_cap}, {"daily_cap": daily_cap})
        if changes:
            settings.daily_cap, settings.updated_at = daily_cap, at
            settings.save(update_fields=["daily_cap", "updated_at"])
            record_audit(
                workspace, "outbound_settings.changed", actor=actor, target=settings, changes=changes, at=at
            )
    return settings


def unsubscribe(contact: Contact, *, at: datetime | None = None) -> Unsubscription:
    """The contact gets no more proactive email; asking twice changes nothing."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return Unsubscription.objects.create(workspace_id=contact.workspace_id, contact=contact, at=at)
    except IntegrityError:
        return Unsubscription.objects.get(workspace_id=contact.workspace_id, contact=contact)


def resubscribe(contact: Contact) -> None:
    with transaction.atomic():
        Unsubscription.objects.filter(workspace_id=contact.workspace_id, contact=contact).delete()
