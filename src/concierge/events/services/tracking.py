"""What a customer's product tracks for a contact (Concierge('track', name, data) or the API): one
`contact.tracked` event in the log, announced so the apps above can act on it."""

import json
import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.core.errors import InvalidInput
from concierge.core.reactions import announce
from concierge.events.announcements import ContactTracked
from concierge.events.event_types import CONTACT_TRACKED
from concierge.events.models import Event
from concierge.events.services.log import record_event

EVENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\- ]{0,59}$")
MAX_EVENT_DATA_BYTES = 4_096


def clean_event_name(name) -> str:
    name = (name or "").strip() if isinstance(name, str) or name is None else ""
    if not EVENT_NAME.match(name):
        raise InvalidInput(
            "The event name must be 1 to 60 letters, digits, spaces or _ . : - (starting with a letter "
            "or digit).",
            field="name",
        )
    return name


def _clean_event_data(data) -> dict:
    data = data or {}
    if not isinstance(data, dict):
        raise InvalidInput("The event's data must be an object of names to values.", field="data")
    if len(json.dumps(data)) > MAX_EVENT_DATA_BYTES:
        raise InvalidInput(f"The event's data is larger than {MAX_EVENT_DATA_BYTES} bytes.", field="data")
    return data


def track_contact_event(
    contact: Contact, name: str, data: dict | None = None, *, at: datetime | None = None
) -> Event:
    """Record that the contact did `name` (with `data`) and announce it, in one transaction."""
    name = clean_event_name(name)
    data = _clean_event_data(data)
    at = at or timezone.now()
    with transaction.atomic():
        event = record_event(
            contact.workspace, CONTACT_TRACKED, contact=contact, at=at, data={"name": name, "data": data}
        )
        announce(
            ContactTracked(
                workspace_id=contact.workspace_id, contact_id=contact.pk, event_id=event.pk, name=name, at=at
            )
        )
    return event
