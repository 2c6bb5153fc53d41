"""How 1:1 sessions react to the announcements of the floors below."""

from concierge.contacts.announcements import LeadMerged
from concierge.meetings.services.confirmation import move_bookings_to_contact


def move_bookings_of_merged_lead(merged: LeadMerged) -> None:
    """A merged lead's sessions belong to the user from the moment of the merge: the user's session
    pages, the messenger and the API show them with the user's, and their later events name the user."""
    move_bookings_to_contact(
        merged.workspace_id, from_contact_id=merged.lead_id, to_contact_id=merged.user_id
    )
