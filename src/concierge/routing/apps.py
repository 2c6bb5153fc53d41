from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "concierge.routing"
    label = "routing"

    def ready(self) -> None:
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.routing.reactions import SUBSCRIPTIONS

        for announcement, react in SUBSCRIPTIONS:
            subscribe(announcement, react, runs=IN_TRANSACTION)
