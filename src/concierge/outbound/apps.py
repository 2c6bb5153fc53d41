from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "concierge.outbound"
    label = "outbound"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.events.announcements import ContactTracked
        from concierge.outbound.reactions import deliver_messages_triggered_by, meet_goals_of_tracked_event

        # In the tracking's transaction: a goal met is recorded with the event that met it.
        subscribe(ContactTracked, meet_goals_of_tracked_event, runs=IN_TRANSACTION)
        subscribe(ContactTracked, deliver_messages_triggered_by)  # in the worker

        # The log's `outbound_message` records describe messages: the importer hands them here.
        from concierge.events.message_records import apply_message_records_with
        from concierge.outbound.services.imports import apply_message_record

        apply_message_records_with(apply_message_record)
