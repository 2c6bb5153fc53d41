"""Writes to the support event log. Always called inside the transaction of the change it records."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.events.models import Event
from concierge.workspaces.models import Workspace


def record_event(
    workspace: Workspace,
    type: str,
    *,
    contact: Contact,
    at: datetime | None = None,
    conversation_ref: str | None = None,
    message_ref: str | None = None,
    data: dict | None = None,
    external_id: str | None = None,
) -> Event:
    """Append one event. Must run inside the caller's transaction so the log and the change agree."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside the transaction of the change it records")
    if contact.workspace_id != workspace.pk:
        raise ValueError("the event's contact belongs to another workspace")
    return Event.objects.create(
        workspace=workspace,
        type=type,
        at=at or timezone.now(),
        contact=contact,
        conversation_ref=conversation_ref,
        message_ref=message_ref,
        data=data or {},
        external_id=external_id,
    )
