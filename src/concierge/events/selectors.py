from django.db.models import QuerySet

from concierge.events.models import Event
from concierge.workspaces.models import Workspace


def events_of_conversation(workspace: Workspace, conversation_ref: str) -> QuerySet[Event]:
    return Event.objects.filter(workspace=workspace, conversation_ref=conversation_ref).order_by("at", "id")


def events_of_workspace(workspace: Workspace) -> QuerySet[Event]:
    return Event.objects.filter(workspace=workspace).order_by("at", "id")
