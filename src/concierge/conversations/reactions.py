"""How conversations react to the announcements of the floors below, and keep their search index in
step with their own changes."""

from concierge.contacts.announcements import ContactRenamed, LeadMerged
from concierge.conversations.announcements import ConversationChanged, ConversationsMovedToContact
from concierge.conversations.models import Conversation
from concierge.conversations.services import move_conversations_to_contact, unassign_conversations_of_teammate
from concierge.conversations.services.search import index_conversations
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


def index_conversation_text(changed: ConversationChanged) -> None:
    """A conversation started or got a message or a note: search finds its words from now on."""
    index_conversations([changed.conversation_id])


def index_moved_conversations(moved: ConversationsMovedToContact) -> None:
    """Conversations moved to another contact are found by that contact's name and email."""
    index_conversations(moved.conversation_ids)


def index_conversations_of_renamed_contact(renamed: ContactRenamed) -> None:
    """A contact's new name or email finds their conversations (a task: a contact may have many)."""
    index_conversations(
        Conversation.objects.filter(
            workspace_id=renamed.workspace_id, contact_id=renamed.contact_id
        ).values_list("id", flat=True)
    )
