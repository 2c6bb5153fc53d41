"""The log's records that are not events: contacts (applied here) and proactive message
descriptions (handed to the app that owns them, events.message_records)."""

from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact, update_contact
from concierge.events.parsing import ContactRecord
from concierge.workspaces.models import Workspace


def apply_contact_record(workspace: Workspace, record: ContactRecord) -> Contact:
    """Create the contact with this external id, or update the fields the record names."""
    contact = Contact.objects.filter(workspace=workspace, external_id=record.external_id).first()
    if contact is None:
        return create_contact(workspace, external_id=record.external_id, **record.fields)
    return update_contact(contact, **record.fields)
