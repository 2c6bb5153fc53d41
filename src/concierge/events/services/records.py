"""The log's records that are not events: proactive message descriptions and contacts."""

from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact, update_contact
from concierge.events.models import MessageDescription
from concierge.events.parsing import ContactRecord, MessageRecord
from concierge.workspaces.models import Workspace


def describe_message(workspace: Workspace, record: MessageRecord) -> MessageDescription:
    """Create or update a proactive message's description; only the fields the record names change,
    and the report's filters read it as it is now (so tags given later count for earlier sends)."""
    description = MessageDescription.objects.filter(workspace=workspace, ref=record.ref).first()
    if description is None:
        description = MessageDescription(workspace=workspace, ref=record.ref)
    for name, value in record.fields.items():
        setattr(description, name, value if name != "tags" else list(value))
    description.save()
    return description


def apply_contact_record(workspace: Workspace, record: ContactRecord) -> Contact:
    """Create the contact with this external id, or update the fields the record names."""
    contact = Contact.objects.filter(workspace=workspace, external_id=record.external_id).first()
    if contact is None:
        return create_contact(workspace, external_id=record.external_id, **record.fields)
    return update_contact(contact, **record.fields)
