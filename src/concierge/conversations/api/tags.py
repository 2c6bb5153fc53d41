"""The API for the workspace's tags (API-key auth: request.workspace)."""

from ninja import Query, Router, Status

from concierge.conversations import selectors, services
from concierge.conversations.schemas import TagIn, TagOut, TagPage
from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, PageQuery
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
    tag = services.create_tag(request.workspace, payload.name, actor=Actor.for_api_key(request.auth))
    return Status(201, TagOut.from_orm(tag))


@router.delete("/tags/{tag_id}", response={204: None}, summary="Delete a tag (it leaves every conversation)")
def delete_tag(request, tag_id: ObjectId):
    services.delete_tag(selectors.tag_by_id(request.workspace, tag_id), actor=Actor.for_api_key(request.auth))
    return Status(204, None)
