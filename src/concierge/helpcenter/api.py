"""The API for the help center's articles and collections (API-key auth: request.workspace).

Any key writes and publishes articles, as any teammate does on the pages; deleting an article and
changing collections is for owners and admins (docs/roles.md)."""

from ninja import Query, Router, Status

from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, PageQuery
from concierge.helpcenter.schemas import (
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    ArticleQuery,
    CollectionIn,
    CollectionOut,
    CollectionPage,
    CollectionPatch,
    RevisionPage,
    TranslationOut,
)
from concierge.helpcenter.selectors import articles as selectors
from concierge.helpcenter.services import writing
from concierge.workspaces.auth import require_owner_or_admin
from concierge.workspaces.services import Actor

router = Router(tags=["articles"])
collections_router = Router(tags=["collections"])


def who(request) -> dict:
    """The teammate a key acts as (named in revisions) and the key itself (named in the audit trail)."""
    return {"teammate": request.auth.teammate, "actor": Actor.for_api_key(request.auth)}


def collection_or_none(request, collection_id: int | None):
    return None if collection_id is None else selectors.collection_by_id(request.workspace, collection_id)


def fresh(request, article_id: int):
    return selectors.article_by_id(request.workspace, article_id)


@router.get("/articles", response=ArticlePage, summary="List articles, with their translations")
def list_articles(request, filters: Query[ArticleQuery]):
    locale = writing.clean_locale(filters.locale) if filters.locale else None
    articles = selectors.articles(
        request.workspace,
        state=filters.state,
        locale=locale,
        collection_id=filters.collection_id,
        visibility=filters.visibility,
    )
    return paginate(articles, order=("position", "id"), cursor=filters.cursor, limit=filters.limit)


@router.post("/articles", response={201: ArticleOut}, summary="Create an article in one or more languages")
@idempotent
def create_article(request, payload: ArticleIn):
    article = writing.create_article_in_languages(
        request.workspace,
        slug=payload.slug,
        collection=collection_or_none(request, payload.collection_id),
        visibility=payload.visibility,
        position=payload.position,
        translations=[t.dict() for t in payload.translations],
        **who(request),
    )
    return Status(201, ArticleOut.from_orm(fresh(request, article.pk)))


@router.get("/articles/{article_id}", response=ArticleOut, summary="Get an article")
def get_article(request, article_id: ObjectId):
    return fresh(request, article_id)


@router.patch(
    "/articles/{article_id}",
    response=ArticleOut,
    summary="Change an article, its translations, or their state (publish, unpublish, archive)",
)
def update_article(request, article_id: ObjectId, payload: ArticlePatch):
    article = selectors.article_by_id(request.workspace, article_id)
    fields = payload.dict(exclude_unset=True, exclude={"translations", "collection_id"})
    fields = {name: value for name, value in fields.items() if value is not None}
    if "collection_id" in payload.model_fields_set:
        fields["collection"] = collection_or_none(request, payload.collection_id)
    translations = [t.dict() for t in payload.translations or []]
    writing.change_article(article, translations=translations, **fields, **who(request))
    return fresh(request, article_id)


@router.delete(
    "/articles/{article_id}", response={204: None}, summary="Delete an article and its translations"
)
def delete_article(request, article_id: ObjectId):
    require_owner_or_admin(request)
    article = selectors.article_by_id(request.workspace, article_id)
    writing.delete_article(article, **who(request))
    return Status(204, None)


@router.get(
    "/articles/{article_id}/translations/{locale}/revisions",
    response=RevisionPage,
    summary="A translation's revisions, newest first",
)
def list_revisions(request, article_id: ObjectId, locale: str, page: Query[PageQuery]):
    article = selectors.article_by_id(request.workspace, article_id)
    translation = selectors.translation_of(article, writing.clean_locale(locale))
    return paginate(selectors.revisions_of(translation), order=("-id",), cursor=page.cursor, limit=page.limit)


@router.post(
    "/articles/{article_id}/translations/{locale}/revisions/{number}/restore",
    response=TranslationOut,
    summary="Bring a translation's words back to a revision (a new revision says so)",
)
def restore_revision(request, article_id: ObjectId, locale: str, number: ObjectId):
    article = selectors.article_by_id(request.workspace, article_id)
    translation = selectors.translation_of(article, writing.clean_locale(locale))
    revision = selectors.revision_by_number(translation, number)
    return writing.restore_revision(revision, teammate=request.auth.teammate)


@collections_router.get("/collections", response=CollectionPage, summary="List collections in their order")
def list_collections(request, page: Query[PageQuery]):
    return paginate(
        selectors.collections(request.workspace),
        order=("position", "id"),
        cursor=page.cursor,
        limit=page.limit,
    )


@collections_router.post("/collections", response={201: CollectionOut}, summary="Create a collection")
@idempotent
def create_collection(request, payload: CollectionIn):
    require_owner_or_admin(request)
    collection = writing.create_collection(
        request.workspace, **payload.dict(exclude_none=True), actor=Actor.for_api_key(request.auth)
    )
    return Status(201, CollectionOut.from_orm(collection))


@collections_router.get("/collections/{collection_id}", response=CollectionOut, summary="Get a collection")
def get_collection(request, collection_id: ObjectId):
    return selectors.collection_by_id(request.workspace, collection_id)


@collections_router.patch(
    "/collections/{collection_id}", response=CollectionOut, summary="Rename, describe or move a collection"
)
def update_collection(request, collection_id: ObjectId, payload: CollectionPatch):
    require_owner_or_admin(request)
    collection = selectors.collection_by_id(request.workspace, collection_id)
    fields = payload.dict(exclude_none=True)
    return writing.update_collection(collection, **fields, actor=Actor.for_api_key(request.auth))


@collections_router.delete(
    "/collections/{collection_id}", response={204: None}, summary="Delete a collection (its articles stay)"
)
def delete_collection(request, collection_id: ObjectId):
    require_owner_or_admin(request)
    collection = selectors.collection_by_id(request.workspace, collection_id)
    writing.delete_collection(collection, actor=Actor.for_api_key(request.auth))
    return Status(204, None)
