"""1:1 sessions in the back office: shown, searched and filtered, changed only through the pages and
the API (whose services validate and record the event log)."""

from django.contrib import admin

from concierge.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from concierge.meetings.models import Booking, BookingEmail, BookingTrigger, SessionType


class BookingTriggerInline(ReadOnlyTabularInline):
    model = BookingTrigger
    fields = ["place", "kind", "token", "is_active", "created_at"]


@admin.register(SessionType)
class SessionTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "workspace", "length_minutes", "channel", "horizon", "is_active"]
    list_filter = ["workspace", "channel", "is_active"]
    search_fields = ["name", "topic"]
    list_select_related = ["workspace"]
    inlines = [BookingTriggerInline]


class BookingEmailInline(ReadOnlyTabularInline):
    model = BookingEmail
    fields = ["kind", "recipient", "sequence", "offset_minutes", "state", "claimed_at", "sent_at"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "status", "customer_email", "agent", "session_type", "trigger", "workspace"]
    list_filter = ["status", "workspace", "session_type"]
    search_fields = ["customer_email", "customer_name", "contact__external_id"]
    list_select_related = ["workspace", "agent", "session_type", "trigger"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-id"]
    inlines = [BookingEmailInline]
