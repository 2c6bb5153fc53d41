from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "concierge.routing"
    label = "routing"

    def ready(self) -> None:
        self.run_rules_and_assignment()
        self.keep_service_level_clocks()
        self.show_who_is_on_support()

    @staticmethod
    def run_rules_and_assignment() -> None:
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.routing.reactions import SUBSCRIPTIONS

        for announcement, react in SUBSCRIPTIONS:
            subscribe(announcement, react, runs=IN_TRANSACTION)

    @staticmethod
    def keep_service_level_clocks() -> None:
        """In the change's transaction, so a conversation's due time is right as soon as it changes."""
        from concierge.conversations.announcements import (
            ContactReplied,
            ConversationAssigned,
            ConversationClosed,
            ConversationStarted,
            TeammateReplied,
        )
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.routing.services import service_levels

        subscribe(ConversationStarted, service_levels.clock_for_started_conversation, runs=IN_TRANSACTION)
        subscribe(ContactReplied, service_levels.clock_for_contact_reply, runs=IN_TRANSACTION)
        subscribe(TeammateReplied, service_levels.clock_for_teammate_reply, runs=IN_TRANSACTION)
        subscribe(ConversationClosed, service_levels.clock_for_closed_conversation, runs=IN_TRANSACTION)
        subscribe(ConversationAssigned, service_levels.clock_for_team_change, runs=IN_TRANSACTION)

    @staticmethod
    def show_who_is_on_support() -> None:
        from concierge.conversations.views import show_in_inbox_header
        from concierge.routing.views_hours import on_support_note

        show_in_inbox_header("routing/_on_support_today.html", on_support_note)
