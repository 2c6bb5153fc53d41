from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "concierge.routing"
    label = "routing"
