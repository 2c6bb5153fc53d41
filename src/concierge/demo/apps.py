from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "concierge.demo"
    label = "demo"
