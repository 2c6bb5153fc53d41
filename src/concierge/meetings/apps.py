from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "concierge.meetings"
    label = "meetings"
