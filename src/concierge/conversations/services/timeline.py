"""A conversation's timeline: the parts a change adds and the support event it records, written
together in the change's transaction (architecture rule 3). Shared by the services of this package."""

import html
from datetime import datetime

from django.utils import timezone
from django.utils.html import strip_tags

from concierge.conversations.models import Conversation, Part
from concierge.core.errors import Conflict, InvalidInput
from concierge.events.services import record_event
from concierge.workspaces.models import Teammate


def instant(at: datetime | None) -> datetime:
    if at is not None and timezone.is_naive(at):
        raise InvalidInput("A time must carry its zone offset.", field="at")
    return at or timezone.now()


def check_same_workspace(conversation: Conversation, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.workspace_id != conversation.workspace_id:
            raise InvalidInput(f"That {type(obj).__name__.lower()} belongs to another workspace.")


def preview_of(body: str) -> str:
    """Plain text (entities decoded: templates escape it again) for the inbox list."""
    return " ".join(html.unescape(strip_tags(body)).split())[:200]


def add_part(conversation: Conversation, *, kind, author_type, at, teammate=None, body="", data=None) -> Part:
    return Part.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        kind=kind,
        author_type=author_type,
        author_teammate=teammate,
        body=body,
        data=data or {},
        created_at=at,
    )


def record_conversation_event(conversation: Conversation, type_: str, at: datetime, **data) -> None:
    record_event(
        conversation.workspace,
        type_,
        contact=conversation.contact,
        at=at,
        conversation_ref=conversation.ref,
        data={key: value for key, value in data.items() if value is not None},
    )


def later_activity(conversation: Conversation, at: datetime) -> datetime:
    """The conversation's last activity once something happens at `at` (never moved back)."""
    last = conversation.last_activity_at
    return at if last is None or at > last else last


def touch(conversation: Conversation, at: datetime, preview: str | None = None) -> None:
    fields = ["last_activity_at"]
    conversation.last_activity_at = later_activity(conversation, at)
    if preview is not None:
        conversation.last_part_preview = preview
        fields.append("last_part_preview")
    conversation.save(update_fields=fields)


def happened(conversation: Conversation, at: datetime, teammate: Teammate | None) -> dict:
    """The fields every announcement of a change to this conversation carries (announcements.py)."""
    return {
        "workspace_id": conversation.workspace_id,
        "conversation_id": conversation.pk,
        "at": at,
        "teammate_id": teammate.pk if teammate is not None else None,
    }


def change_if_state_is(conversation: Conversation, states: tuple[str, ...], refusal: str, **fields) -> None:
    """Set `fields` on the conversation if, in the database, its state is still one of `states`: one
    conditional UPDATE, so of two changes at the same moment one wins and the other is refused
    (Conflict with `refusal`) and writes nothing (architecture: re-check under the row's lock)."""
    if not Conversation.objects.filter(pk=conversation.pk, state__in=states).update(**fields):
        raise Conflict(refusal)
    for name, value in fields.items():
        setattr(conversation, name, value)


def lock(conversation: Conversation) -> None:
    """Hold the conversation's row to the end of the transaction, and read its state afresh."""
    conversation.state, conversation.snoozed_until = (
        Conversation.objects.select_for_update()
        .filter(pk=conversation.pk)
        .values_list("state", "snoozed_until")
        .get()
    )
