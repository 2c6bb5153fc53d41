from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "concierge.reports"
    label = "reports"
