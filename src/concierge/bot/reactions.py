"""How the bot reacts to conversations: it answers a new one (a durable task), and keeps its record in
step when the customer writes again or the conversation is reopened (in the change's transaction)."""

from concierge.bot import services
from concierge.conversations.announcements import ContactReplied, ConversationReopened, ConversationStarted
from concierge.conversations.selectors import conversation_by_id
from concierge.core.errors import NotFound
from concierge.workspaces.models import Workspace


def answer_new_conversation(started: ConversationStarted) -> None:
    if started.initiator != "contact":
        return
    try:
        workspace = Workspace.objects.get(pk=started.workspace_id)
        conversation = conversation_by_id(workspace, started.conversation_id)
    except (Workspace.DoesNotExist, NotFound):
        return  # gone since: nothing to answer
    services.answer_conversation(conversation)


def note_contact_wrote_again(replied: ContactReplied) -> None:
    services.note_contact_wrote_again(replied.workspace_id, replied.conversation_id, replied.at)


def note_conversation_reopened(reopened: ConversationReopened) -> None:
    if reopened.was == "closed":
        services.note_reopened_after_bot_close(reopened.workspace_id, reopened.conversation_id, reopened.at)
