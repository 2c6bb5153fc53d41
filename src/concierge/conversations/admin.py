from django.contrib import admin

from concierge.conversations.models import Conversation, Part, Tag
from concierge.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline


class PartInline(ReadOnlyTabularInline):
    model = Part
    fields = ["created_at", "kind", "author_type", "author_teammate", "body", "data"]
    ordering = ["created_at", "id"]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    """Read-only: a conversation changes through the inbox or the API, which record its events."""

    list_display = [
        "id",
        "subject",
        "workspace",
        "contact",
        "state",
        "assignee",
        "team",
        "channel",
        "last_activity_at",
    ]
    list_filter = ["state", "channel", "workspace"]
    search_fields = ["subject", "ref", "contact__name", "contact__email", "contact__external_id"]
    list_select_related = ["workspace", "contact", "assignee", "team"]
    ordering = ["-last_activity_at", "-id"]
    inlines = [PartInline]
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ["name", "workspace", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["name"]
    list_select_related = ["workspace"]
