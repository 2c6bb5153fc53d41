from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "concierge.conversations"
    label = "conversations"

    def ready(self) -> None:
        from concierge.contacts.announcements import LeadMerged
        from concierge.contacts.views import show_on_contact_page
        from concierge.conversations.reactions import (
            move_conversations_of_merged_lead,
            unassign_conversations_of_deactivated_teammate,
        )
        from concierge.conversations.views import contact_conversations_panel
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.workspaces.announcements import TeammateDeactivated

        subscribe(LeadMerged, move_conversations_of_merged_lead, runs=IN_TRANSACTION)
        subscribe(TeammateDeactivated, unassign_conversations_of_deactivated_teammate, runs=IN_TRANSACTION)
        show_on_contact_page("conversations/_contact_panel.html", contact_conversations_panel)
