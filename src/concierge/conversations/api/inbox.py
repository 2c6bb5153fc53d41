"""The API for the shared inbox: conversations and everything teammates do to them (API-key auth).

An API key acts for the workspace, not for a person, so a call that a teammate makes names them
(`teammate_id`); calls that may also be the system's leave it out.
"""

import json
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Body, Query, Router, Status

from concierge.contacts.selectors import contact_by_id
from concierge.conversations import selectors, services
from concierge.conversations.models import Conversation
from concierge.conversations.schemas import (
    AssignmentIn,
    CloseIn,
    ConversationDetailOut,
    ConversationIn,
    ConversationOut,
    ConversationPage,
    ConversationQuery,
    NoteIn,
    PartOut,
    RatingIn,
    ReplyIn,
    SnoozeIn,
    TagConversationIn,
    TeammateActionIn,
)
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, Text
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.selectors import team_by_id, teammate_by_id
from concierge.workspaces.services import Actor

router = Router(tags=["conversations"])

INBOX_ORDER = ("-last_activity_at", "-id")
NO_ACTOR = TeammateActionIn()
DEFAULT_CLOSE = CloseIn()


def _teammate_or_none(workspace: Workspace, teammate_id: int | None) -> Teammate | None:
    return None if teammate_id is None else teammate_by_id(workspace, teammate_id)


def _with_parts(workspace: Workspace, conversation_id: int) -> Conversation:
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    conversation.parts_in_order = list(selectors.parts_of(conversation))
    return conversation


def _list_item(row: dict, tags: list[dict]) -> dict:
    """One conversation of the list as ConversationOut writes it, from a row of selectors.api_rows_of."""
    assignee_id = row["assignee_id"]
    team_id = row["team_id"]
    return {
        "id": row["id"],
        "ref": row["ref"],
        "subject": row["subject"],
        "state": row["state"],
        "priority": row["priority"],
        "snoozed_until": row["snoozed_until"],
        "channel": row["channel"],
        "initiator": row["initiator"],
        "contact": {
            "id": row["contact_id"],
            "kind": row["contact__kind"],
            "name": row["contact__name"],
            "email": row["contact__email"],
            "external_id": row["contact__external_id"],
        },
        "assignee": None if assignee_id is None else {"id": assignee_id, "name": row["assignee__name"]},
        "team": None if team_id is None else {"id": team_id, "name": row["team__name"]},
        "tags": tags,
        "rating": row["rating"],
        "rating_remark": row["rating_remark"],
        "first_response_at": row["first_response_at"],
        "closed_at": row["closed_at"],
        "created_at": row["created_at"],
        "last_activity_at": row["last_activity_at"],
        "last_part_preview": row["last_part_preview"],
    }


@router.get("/conversations", response=ConversationPage, summary="List conversations, latest activity first")
def list_conversations(request, filters: Query[ConversationQuery]):
    """The page is read as values and written as ConversationPage writes it (the same JSON, byte for
    byte: ninja's encoder is Django's), without a model instance per row or the response's
    validation, which were three quarters of the list's cost (docs/benchmarks.md). `response=` stays
    for the API's documentation; tests/conversations/test_api.py holds the two to the schema."""
    conversations = selectors.inbox(
        request.workspace,
        state=filters.state,
        assignee_id=filters.assignee_id,
        unassigned=filters.unassigned,
        team_id=filters.team_id,
        tag=filters.tag,
        tag_id=filters.tag_id,
        contact_id=filters.contact_id,
        with_tags=False,
    )
    page = paginate(
        selectors.api_rows_of(conversations), order=INBOX_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    tags = selectors.tags_by_conversation(request.workspace, [row["id"] for row in page.items])
    items = [_list_item(row, tags.get(row["id"], [])) for row in page.items]
    body = json.dumps({"items": items, "next_cursor": page.next_cursor}, cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.post(
    "/conversations",
    response={201: ConversationDetailOut},
    summary="Start a conversation with its first message, from the contact or from a teammate",
)
@idempotent
def create_conversation(request, payload: ConversationIn):
    workspace = request.workspace
    conversation = services.start_conversation(
        workspace,
        contact=contact_by_id(workspace, payload.contact_id),
        body=payload.body,
        channel=payload.channel,
        teammate=_teammate_or_none(workspace, payload.teammate_id),
        subject=payload.subject,
    )
    return Status(201, ConversationDetailOut.from_orm(_with_parts(workspace, conversation.pk)))


@router.get(
    "/conversations/{conversation_id}",
    response=ConversationDetailOut,
    summary="Get a conversation with all its parts, internal notes included",
)
def get_conversation(request, conversation_id: ObjectId):
    return _with_parts(request.workspace, conversation_id)


@router.post(
    "/conversations/{conversation_id}/replies",
    response={201: PartOut},
    summary="Reply as a teammate or as the contact",
)
@idempotent
def reply(request, conversation_id: ObjectId, payload: ReplyIn):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    if payload.author == "contact":
        part = services.reply_as_contact(conversation, payload.body)
    else:
        teammate = teammate_by_id(workspace, payload.teammate_id)
        part = services.reply_as_teammate(conversation, teammate, payload.body)
    return Status(201, PartOut.from_orm(part))


@router.post(
    "/conversations/{conversation_id}/notes",
    response={201: PartOut},
    summary="Add an internal note (the contact never sees it)",
)
@idempotent
def add_note(request, conversation_id: ObjectId, payload: NoteIn):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    part = services.add_note(conversation, teammate_by_id(workspace, payload.teammate_id), payload.body)
    return Status(201, PartOut.from_orm(part))


@router.post(
    "/conversations/{conversation_id}/assignment",
    response=ConversationOut,
    summary="Assign to a teammate and/or a team, or unassign (both left out)",
)
@idempotent
def assign(request, conversation_id: ObjectId, payload: AssignmentIn):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    services.assign_conversation(
        conversation,
        teammate=_teammate_or_none(workspace, payload.by_teammate_id),
        assignee=_teammate_or_none(workspace, payload.assignee_id),
        team=None if payload.team_id is None else team_by_id(workspace, payload.team_id),
    )
    return ConversationOut.from_orm(conversation)


@router.post(
    "/conversations/{conversation_id}/tags",
    response=ConversationOut,
    summary="Tag a conversation, by tag id or by name",
)
@idempotent
def tag(request, conversation_id: ObjectId, payload: TagConversationIn):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    teammate = _teammate_or_none(workspace, payload.teammate_id)
    if payload.tag_id is not None:
        the_tag = selectors.tag_by_id(workspace, payload.tag_id)
    else:
        # A new name creates the tag: configuration, made by the API key.
        the_tag = services.tag_for_name(workspace, payload.name, actor=Actor.for_api_key(request.auth))
    services.tag_conversation(conversation, the_tag, teammate=teammate)
    return ConversationOut.from_orm(selectors.conversation_by_id(workspace, conversation_id))


@router.delete(
    "/conversations/{conversation_id}/tags/{tag_id}",
    response=ConversationOut,
    summary="Untag a conversation, by tag id",
)
def untag_by_id(request, conversation_id: ObjectId, tag_id: ObjectId, teammate_id: ObjectId | None = None):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    the_tag = selectors.tag_by_id(workspace, tag_id)
    services.untag_conversation(conversation, the_tag, teammate=_teammate_or_none(workspace, teammate_id))
    return selectors.conversation_by_id(workspace, conversation_id)


@router.delete(
    "/conversations/{conversation_id}/tags",
    response=ConversationOut,
    summary="Untag a conversation, by tag name (?name=…)",
)
def untag_by_name(
    request,
    conversation_id: ObjectId,
    name: Annotated[Text, Query(max_length=60)],
    teammate_id: ObjectId | None = None,
):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    the_tag = selectors.tag_by_name(workspace, name)
    services.untag_conversation(conversation, the_tag, teammate=_teammate_or_none(workspace, teammate_id))
    return selectors.conversation_by_id(workspace, conversation_id)


@router.post("/conversations/{conversation_id}/close", response=ConversationOut, summary="Close")
@idempotent
def close(request, conversation_id: ObjectId, payload: Annotated[CloseIn, Body()] = DEFAULT_CLOSE):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    teammate = _teammate_or_none(workspace, payload.teammate_id)
    services.close_conversation(conversation, by=payload.by, teammate=teammate)
    return ConversationOut.from_orm(conversation)


@router.post("/conversations/{conversation_id}/reopen", response=ConversationOut, summary="Reopen")
@idempotent
def reopen(request, conversation_id: ObjectId, payload: Annotated[TeammateActionIn, Body()] = NO_ACTOR):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    services.reopen_conversation(conversation, teammate=_teammate_or_none(workspace, payload.teammate_id))
    return ConversationOut.from_orm(conversation)


@router.post(
    "/conversations/{conversation_id}/snooze",
    response=ConversationOut,
    summary="Snooze until a time (with its zone offset)",
)
@idempotent
def snooze(request, conversation_id: ObjectId, payload: SnoozeIn):
    workspace = request.workspace
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    services.snooze_conversation(
        conversation, until=payload.until, teammate=_teammate_or_none(workspace, payload.teammate_id)
    )
    return ConversationOut.from_orm(conversation)


@router.post(
    "/conversations/{conversation_id}/rating",
    response=ConversationOut,
    summary="Record the contact's rating, 1-5, with an optional remark",
)
@idempotent
def rate(request, conversation_id: ObjectId, payload: RatingIn):
    conversation = selectors.conversation_by_id(request.workspace, conversation_id)
    services.rate_conversation(conversation, rating=payload.rating, remark=payload.remark)
    return ConversationOut.from_orm(conversation)
