from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "concierge.live"
    label = "live"

    def ready(self) -> None:
        from concierge.conversations.announcements import ConversationAssigned, ConversationChanged, NoteAdded
        from concierge.core.reactions import AFTER_COMMIT, subscribe
        from concierge.live.reactions import notify_teammates, publish_conversation_change

        subscribe(ConversationChanged, publish_conversation_change, runs=AFTER_COMMIT)
        subscribe(ConversationAssigned, notify_teammates)  # a task in the worker
        subscribe(NoteAdded, notify_teammates)
