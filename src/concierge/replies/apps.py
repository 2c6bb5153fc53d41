from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "concierge.replies"
    label = "replies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from concierge.replies.reactions import subscribe_to_announcements

        subscribe_to_announcements()

        from concierge.core.search import register_source
        from concierge.replies.selectors.saved_replies import SAVED_REPLY_KIND, search_documents_of

        register_source(SAVED_REPLY_KIND, search_documents_of)

        from concierge.conversations.views import after_composer_send
        from concierge.replies.views.composer import run_chosen_macro, used_a_saved_reply

        after_composer_send(run_chosen_macro, wants=used_a_saved_reply)

        from concierge.replies.selectors.saved_replies import rule_choices
        from concierge.replies.services.saved_replies import send_for_rule
        from concierge.routing.services.rules import SavedReplies, register_saved_replies

        register_saved_replies(SavedReplies(choices=rule_choices, send=send_for_rule))
