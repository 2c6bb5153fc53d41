from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "concierge.meetings"
    label = "meetings"

    def ready(self) -> None:
        from concierge.contacts.announcements import LeadMerged
        from concierge.core.reactions import IN_TRANSACTION, subscribe
        from concierge.meetings.reactions import move_bookings_of_merged_lead

        subscribe(LeadMerged, move_bookings_of_merged_lead, runs=IN_TRANSACTION)
