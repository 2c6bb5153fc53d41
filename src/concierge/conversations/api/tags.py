"""The API for the workspace's tags (API-key auth: request.workspace)."""

from ninja import Query, Router, Status

from concierge.conversations import selectors, services
from concierge.conversations.schemas import TagIn, TagOut, TagPage
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, PageQuery
from concierge.workspaces.auth import require_owner_or_admin
from concierge.workspaces.services import Actor

router = Router(tags=["tags"])


@router.get("/tags", response=TagPage, summary="List tags by name")
def list_tags(request, page: Query[PageQuery]):
    return paginate(
        selectors.tags(request.workspace), order=("name", "id"), cursor=page.cursor, limit=page.limit
    )


@router.post("/tags", response={201: TagOut}, summary="Create a tag")
@idempotent
def create_tag(request, payload: TagIn):
    """Owners and admins (a key acting as an agent gets 403); tagging a conversation with a new name
    creates its tag for anyone."""
    require_owner_or_admin(request)
    tag = services.create_tag(request.workspace, payload.name, actor=Actor.for_api_key(request.auth))
    return Status(201, TagOut.from_orm(tag))


@router.delete("/tags/{tag_id}", response={204: None}, summary="Delete a tag (it leaves every conversation)")
def delete_tag(request, tag_id: ObjectId):
    require_owner_or_admin(request)
    services.delete_tag(selectors.tag_by_id(request.workspace, tag_id), actor=Actor.for_api_key(request.auth))
    return Status(204, None)


@router.patch("/tags/{tag_id}", response=TagOut, summary="Rename a tag")
def rename_tag(request, tag_id: ObjectId, payload: TagIn):
    require_owner_or_admin(request)
    tag = selectors.tag_by_id(request.workspace, tag_id)
    return services.rename_tag(tag, name=payload.name, actor=Actor.for_api_key(request.auth))
