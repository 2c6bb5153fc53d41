"""How conversations react to the announcements of the floors below."""

from concierge.contacts.announcements import LeadMerged
from concierge.conversations.services import move_conversations_to_contact


def move_conversations_of_merged_lead(merged: LeadMerged) -> None:
    """A merged lead's conversations belong to the user from the moment of the merge."""
    move_conversations_to_contact(
        merged.workspace_id, from_contact_id=merged.lead_id, to_contact_id=merged.user_id, at=merged.at
    )
