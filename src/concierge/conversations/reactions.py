"""How conversations react to the announcements of the floors below."""

from concierge.contacts.announcements import LeadMerged
from concierge.conversations.services import move_conversations_to_contact, unassign_conversations_of_teammate
from concierge.workspaces.announcements import TeammateDeactivated


def move_conversations_of_merged_lead(merged: LeadMerged) -> None:
    """A merged lead's conversations belong to the user from the moment of the merge."""
    move_conversations_to_contact(
        merged.workspace_id, from_contact_id=merged.lead_id, to_contact_id=merged.user_id, at=merged.at
    )


def unassign_conversations_of_deactivated_teammate(deactivated: TeammateDeactivated) -> None:
    """A deactivated teammate's open conversations go back to the unassigned queue, in the same
    transaction, so no customer waits on someone who is gone."""
    unassign_conversations_of_teammate(deactivated.workspace_id, deactivated.teammate_id, at=deactivated.at)
