from django.db.models import QuerySet

from concierge.core.db import where_range_as_literals
from concierge.events.models import Event
from concierge.events.types import MEETING_TYPES_FROM, MEETING_TYPES_UNTIL
from concierge.workspaces.models import Workspace


def events_of_conversation(workspace: Workspace, conversation_ref: str) -> QuerySet[Event]:
    return Event.objects.filter(workspace=workspace, conversation_ref=conversation_ref).order_by("at", "id")


def events_of_workspace(workspace: Workspace) -> QuerySet[Event]:
    return Event.objects.filter(workspace=workspace).order_by("at", "id")


def meeting_events(workspace: Workspace) -> QuerySet[Event]:
    """The workspace's 1:1 session events (`meeting.*`), which the log indexes by type and time: the
    condition of that index (Event.Meta.indexes) stated with the same literals, so SQLite uses it."""
    return where_range_as_literals(
        Event.objects.filter(workspace=workspace), "type", MEETING_TYPES_FROM, MEETING_TYPES_UNTIL
    )
