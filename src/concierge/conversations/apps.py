from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "concierge.conversations"
    label = "conversations"

    def ready(self) -> None:
        from concierge.contacts.announcements import ContactRenamed, LeadMerged
        from concierge.contacts.views import show_on_contact_page
        from concierge.conversations.announcements import (
            BotAnswered,
            ContactReplied,
            ConversationsMovedToContact,
            ConversationStarted,
            NoteAdded,
            TeammateReplied,
        )
        from concierge.conversations.reactions import (
            index_conversation_text,
            index_conversations_of_renamed_contact,
            index_moved_conversations,
            move_conversations_of_merged_lead,
            unassign_conversations_of_deactivated_teammate,
        )
        from concierge.conversations.services.search import CONVERSATION_KIND, conversation_documents
        from concierge.conversations.views import contact_conversations_panel
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.core.search import register_source
        from concierge.workspaces.announcements import TeammateDeactivated

        subscribe(LeadMerged, move_conversations_of_merged_lead, runs=IN_TRANSACTION)
        # Search: a conversation's text is indexed with the change that wrote it.
        for kind in (ConversationStarted, ContactReplied, TeammateReplied, NoteAdded, BotAnswered):
            subscribe(kind, index_conversation_text, runs=IN_TRANSACTION)
        subscribe(ConversationsMovedToContact, index_moved_conversations, runs=IN_TRANSACTION)
        subscribe(ContactRenamed, index_conversations_of_renamed_contact)
        register_source(CONVERSATION_KIND, conversation_documents)
        subscribe(TeammateDeactivated, unassign_conversations_of_deactivated_teammate, runs=IN_TRANSACTION)
        show_on_contact_page("conversations/_contact_panel.html", contact_conversations_panel)
