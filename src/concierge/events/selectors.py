from django.db.models import QuerySet

from concierge.events.models import Event
from concierge.events.types import MEETING_TYPES_FROM, MEETING_TYPES_UNTIL
from concierge.workspaces.models import Workspace

# The condition of the log's index of meeting events (Event.Meta.indexes) as literal SQL: SQLite
# uses a partial index only when the query states its condition with the same literals, not with
# bound parameters.
MEETING_EVENTS_CONDITION = (
    f""""events_event"."type" >= '{MEETING_TYPES_FROM}' AND "events_event"."type" < '{MEETING_TYPES_UNTIL}'"""
)


def events_of_conversation(workspace: Workspace, conversation_ref: str) -> QuerySet[Event]:
    return Event.objects.filter(workspace=workspace, conversation_ref=conversation_ref).order_by("at", "id")


def events_of_workspace(workspace: Workspace) -> QuerySet[Event]:
    return Event.objects.filter(workspace=workspace).order_by("at", "id")


def meeting_events(workspace: Workspace) -> QuerySet[Event]:
    """The workspace's 1:1 session events (`meeting.*`), which the log indexes by type and time."""
    return Event.objects.filter(workspace=workspace).extra(where=[MEETING_EVENTS_CONDITION])
