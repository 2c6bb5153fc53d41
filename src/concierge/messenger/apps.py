from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "concierge.messenger"
    label = "messenger"
