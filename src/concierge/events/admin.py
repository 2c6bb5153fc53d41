from django.contrib import admin

from concierge.core.admin import ReadOnlyAdmin
from concierge.events.models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The support event log is append-only: the admin only reads it."""

    list_display = ["at", "type", "workspace", "contact", "conversation_ref", "message_ref", "external_id"]
    list_filter = ["type", "workspace"]
    search_fields = [
        "conversation_ref",
        "message_ref",
        "external_id",
        "contact__external_id",
        "contact__email",
    ]
    list_select_related = ["workspace", "contact"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    show_full_result_count = False
