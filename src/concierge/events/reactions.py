"""How the log reacts to the announcements of the floors below it: it records what they cannot
record themselves, being lower than the log (a contact merge), in the transaction of the change."""

from concierge.contacts import event_types as contact_event_types
from concierge.contacts.announcements import LeadMerged
from concierge.contacts.models import Contact
from concierge.events.services import record_event


def record_lead_merged(merged: LeadMerged) -> None:
    user = Contact.objects.select_related("workspace").get(
        pk=merged.user_id, workspace_id=merged.workspace_id
    )
    record_event(
        user.workspace,
        contact_event_types.CONTACT_MERGED,
        contact=user,
        at=merged.at,
        data={"lead": merged.lead_ref, "lead_id": merged.lead_id},
    )
