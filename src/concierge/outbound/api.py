"""The outbound API: /api/v1/outbound/messages (API-key auth: request.workspace). Create, read, change
and delete proactive messages, move them through their states, and count an audience before sending.
Another workspace's message is a 404; a bad setting a 422 naming it; every change is audited as the key."""

from ninja import Query, Router, Status

from concierge.core.errors import NotFound
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId
from concierge.outbound import selectors, services
from concierge.outbound.schemas import (
    AudienceIn,
    AudienceSizeOut,
    MessageIn,
    MessageOut,
    MessagePage,
    MessagePatch,
    MessageQuery,
    StateIn,
)
from concierge.workspaces.models import Teammate
from concierge.workspaces.services import Actor

router = Router(tags=["outbound"])


def _sender(request, sender_id):
    if sender_id is None:
        return None
    sender = Teammate.objects.filter(workspace=request.workspace, pk=sender_id).first()
    if sender is None:
        raise NotFound("No such teammate.", field="sender_id")
    return sender


def _settings(request, payload, given: set[str]) -> dict:
    """The settings the payload names, as the services take them."""
    settings = {}
    for name in given - {"versions", "sender_id"}:
        settings[name] = getattr(payload, name)
    if "sender_id" in given:
        settings["sender"] = _sender(request, payload.sender_id)
    if "versions" in given and payload.versions is not None:
        settings["versions"] = [version.dict() for version in payload.versions]
    return settings


@router.get("/outbound/messages", response=MessagePage, summary="List the proactive messages")
def list_messages(request, filters: Query[MessageQuery]):
    messages = selectors.messages_of(
        request.workspace, state=filters.state, content_type=filters.content_type, tag=filters.tag
    ).prefetch_related("versions")
    return paginate(messages, order=("-id",), cursor=filters.cursor, limit=filters.limit)


@router.post("/outbound/messages", response={201: MessageOut}, summary="Write a proactive message (a draft)")
@idempotent
def create_message(request, payload: MessageIn):
    given = {name for name in payload.model_fields_set if getattr(payload, name) is not None} | {
        "content_type"
    }
    settings = _settings(request, payload, given)
    message = services.create_message(request.workspace, actor=Actor.for_api_key(request.auth), **settings)
    return Status(201, selectors.message_by_id(request.workspace, message.pk))


@router.post(
    "/outbound/messages/audience-size", response=AudienceSizeOut, summary="Count who an audience reaches now"
)
def count_audience(request, payload: AudienceIn):
    return {"size": selectors.audience_size(request.workspace, payload.audience, kind=payload.audience_kind)}


@router.get("/outbound/messages/{message_id}", response=MessageOut, summary="Get a proactive message")
def get_message(request, message_id: ObjectId):
    return selectors.message_by_id(request.workspace, message_id)


@router.patch("/outbound/messages/{message_id}", response=MessageOut, summary="Change a proactive message")
def update_message(request, message_id: ObjectId, payload: MessagePatch):
    message = selectors.message_by_id(request.workspace, message_id)
    given = set(payload.model_fields_set)
    settings = _settings(request, payload, given)
    services.update_message(message, actor=Actor.for_api_key(request.auth), **settings)
    return selectors.message_by_id(request.workspace, message_id)


@router.delete("/outbound/messages/{message_id}", response={204: None}, summary="Delete a draft never sent")
def delete_message(request, message_id: ObjectId):
    message = selectors.message_by_id(request.workspace, message_id)
    services.delete_message(message, actor=Actor.for_api_key(request.auth))
    return Status(204, None)


@router.post(
    "/outbound/messages/{message_id}/state",
    response=MessageOut,
    summary="Go live, schedule, pause, stop (or back to draft)",
)
def change_state(request, message_id: ObjectId, payload: StateIn):
    message = selectors.message_by_id(request.workspace, message_id)
    services.set_state(message, payload.state, actor=Actor.for_api_key(request.auth))
    return selectors.message_by_id(request.workspace, message_id)


@router.get(
    "/outbound/messages/{message_id}/audience-size",
    response=AudienceSizeOut,
    summary="Count who a message's audience reaches now",
)
def message_audience_size(request, message_id: ObjectId):
    message = selectors.message_by_id(request.workspace, message_id)
    return {"size": selectors.audience_size(request.workspace, message.audience, kind=message.audience_kind)}
