from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "concierge.reports"
    label = "reports"

    def ready(self) -> None:
        # The funnel's rollups follow the event log: the log, on a lower floor, hands every batch it
        # appends to whatever follows it, without knowing the report (events.followers).
        from concierge.events.followers import follow_the_log
        from concierge.reports.services.following import FUNNEL_ROLLUPS

        follow_the_log(FUNNEL_ROLLUPS)
