from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "concierge.conversations"
    label = "conversations"
