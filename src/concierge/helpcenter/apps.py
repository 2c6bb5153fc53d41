from django.apps import AppConfig


class HelpCenterConfig(AppConfig):
    name = "concierge.helpcenter"
    label = "helpcenter"
