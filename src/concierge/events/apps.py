from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "concierge.events"
    label = "events"

    def ready(self) -> None:
        from concierge.contacts.announcements import LeadMerged
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.events.reactions import record_lead_merged

        subscribe(LeadMerged, record_lead_merged, runs=IN_TRANSACTION)
