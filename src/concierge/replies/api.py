"""The saved replies API: /api/v1/saved-replies (API-key auth: request.workspace). A key that acts as
a teammate sees and changes what that teammate may on the pages (another team's reply, another
teammate's personal one: 404); a key made on the server acts for the workspace and sees every reply."""

from ninja import Query, Router, Status

from concierge.core.errors import NotFound
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId
from concierge.replies.models import SavedReply
from concierge.replies.schemas import (
    SavedReplyIn,
    SavedReplyOut,
    SavedReplyPage,
    SavedReplyPatch,
    SavedReplyQuery,
)
from concierge.replies.selectors import saved_replies as selectors
from concierge.replies.services import saved_replies as services
from concierge.workspaces.models import Team
from concierge.workspaces.services import Actor

router = Router(tags=["saved replies"])


def _teammate(request):
    return request.auth.teammate


def _team(request, team_id):
    if team_id is None:
        return None
    team = Team.objects.filter(workspace=request.workspace, pk=team_id).first()
    if team is None:
        raise NotFound("No such team.", field="team_id")
    return team


def _folder(request, folder_id):
    return None if folder_id is None else selectors.folder_by_id(request.workspace, folder_id)


def _fresh(request, reply_id: int) -> SavedReply:
    return selectors.saved_reply_by_id(request.workspace, _teammate(request), reply_id)


@router.get("/saved-replies", response=SavedReplyPage, summary="List the saved replies the key may use")
def list_saved_replies(request, filters: Query[SavedReplyQuery]):
    replies = selectors.visible_saved_replies(request.workspace, _teammate(request))
    if filters.folder_id == 0:
        replies = replies.filter(folder__isnull=True)
    elif filters.folder_id is not None:
        replies = replies.filter(folder_id=filters.folder_id)
    return paginate(replies, order=("id",), cursor=filters.cursor, limit=filters.limit)


@router.post("/saved-replies", response={201: SavedReplyOut}, summary="Create a saved reply (or macro)")
@idempotent
def create_saved_reply(request, payload: SavedReplyIn):
    given = services.SavedReplyInput(
        title=payload.title,
        versions=payload.versions,
        visibility=payload.visibility,
        team=_team(request, payload.team_id),
        folder=_folder(request, payload.folder_id),
        actions=payload.actions,
    )
    reply = services.create_saved_reply(
        request.workspace, given, owner=_teammate(request), actor=Actor.for_api_key(request.auth)
    )
    return Status(201, _fresh(request, reply.pk))


@router.get("/saved-replies/{reply_id}", response=SavedReplyOut, summary="Get a saved reply")
def get_saved_reply(request, reply_id: ObjectId):
    return _fresh(request, reply_id)


@router.patch("/saved-replies/{reply_id}", response=SavedReplyOut, summary="Change a saved reply")
def update_saved_reply(request, reply_id: ObjectId, payload: SavedReplyPatch):
    reply = _fresh(request, reply_id)
    given_fields = payload.model_fields_set
    given = services.SavedReplyInput(
        title=payload.title if payload.title is not None else reply.title,
        versions=payload.versions
        if payload.versions is not None
        else {v.locale: v.body for v in reply.versions.all()},
        visibility=payload.visibility or reply.visibility,
        team=_team(request, payload.team_id) if "team_id" in given_fields else reply.team,
        folder=_folder(request, payload.folder_id) if "folder_id" in given_fields else reply.folder,
        actions=payload.actions if payload.actions is not None else reply.actions,
    )
    services.update_saved_reply(
        reply, given, teammate=_teammate(request), actor=Actor.for_api_key(request.auth)
    )
    return _fresh(request, reply_id)


@router.delete("/saved-replies/{reply_id}", response={204: None}, summary="Delete a saved reply")
def delete_saved_reply(request, reply_id: ObjectId):
    reply = _fresh(request, reply_id)
    services.delete_saved_reply(reply, teammate=_teammate(request), actor=Actor.for_api_key(request.auth))
    return Status(204, None)
