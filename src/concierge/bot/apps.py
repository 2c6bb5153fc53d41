from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "concierge.bot"
    label = "bot"

    def ready(self) -> None:
        from concierge.bot.reactions import (
            answer_new_conversation,
            note_contact_wrote_again,
            note_conversation_reopened,
        )
        from concierge.conversations.announcements import (
            ContactReplied,
            ConversationReopened,
            ConversationStarted,
        )
        from concierge.core.reactions import IN_TRANSACTION, subscribe

        subscribe(ConversationStarted, answer_new_conversation)
        subscribe(ContactReplied, note_contact_wrote_again, runs=IN_TRANSACTION)
        subscribe(ConversationReopened, note_conversation_reopened, runs=IN_TRANSACTION)
