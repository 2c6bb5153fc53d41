from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "concierge.bot"
    label = "bot"
