from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "concierge.events"
    label = "events"
