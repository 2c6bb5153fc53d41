"""The teammates' reads of articles and collections, and what the bot builds its answers from.
Every read is scoped to a workspace first: an id of another workspace is a NotFound."""

import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from concierge.core import search
from concierge.core.errors import NotFound
from concierge.core.text import split_markdown_sections
from concierge.helpcenter.models import Article, ArticleRevision, ArticleTranslation, Collection
from concierge.workspaces.models import Workspace

PUBLISHED = ArticleTranslation.State.PUBLISHED
ARTICLE_KIND = "article"  # the search index's kind for a translation (services.indexing)


@dataclass(frozen=True)
class ArticleSection:
    """One `##` section (or the intro, heading None) of a published translation."""

    article_id: int
    translation_id: int
    slug: str
    locale: str
    title: str
    collection: str  # the collection's name in the translation's language, or ""
    heading: str | None
    text: str  # Markdown


def collection_name(collection: Collection | None, locale: str) -> str:
    """The collection's name in this language; else in the language's base ('pt' for 'pt-BR'); else ""."""
    if collection is None:
        return ""
    names = collection.names or {}
    return names.get(locale) or names.get(locale.split("-")[0]) or ""


def published_sections(
    workspace: Workspace, *, locale: str | None = None, audiences=("public",)
) -> list[ArticleSection]:
    translations = (
        ArticleTranslation.objects.filter(
            workspace=workspace, state=PUBLISHED, article__visibility__in=list(audiences)
        )
        .select_related("article", "article__collection")
        .order_by("article__position", "article_id", "locale")
    )
    if locale:
        translations = translations.filter(locale=locale)
    return [
        ArticleSection(
            article_id=translation.article_id,
            translation_id=translation.pk,
            slug=translation.article.slug,
            locale=translation.locale,
            title=translation.title,
            collection=collection_name(translation.article.collection, translation.locale),
            heading=section.heading,
            text=section.text,
        )
        for translation in translations
        for section in split_markdown_sections(translation.body)
    ]


def content_version(workspace: Workspace) -> str:
    """Changes whenever what published_sections returns may change: a published translation's
    words, state or article (slug, visibility, collection), or a collection's names."""
    translations = ArticleTranslation.objects.filter(workspace=workspace, state=PUBLISHED).order_by("pk")
    rows = translations.values_list(
        "pk",
        "updated_at",
        "article__slug",
        "article__visibility",
        "article__collection_id",
        "article__position",
    )
    collections = Collection.objects.filter(workspace=workspace).order_by("pk").values_list("pk", "names")
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    digest.update(b"|")
    for row in collections:
        digest.update(repr((row[0], sorted(row[1].items()))).encode())
    return digest.hexdigest()[:32]


# --- the teammates' lists -------------------------------------------------------------------


def collections(workspace: Workspace) -> QuerySet[Collection]:
    return Collection.objects.filter(workspace=workspace).order_by("position", "id")


def collection_by_id(workspace: Workspace, collection_id: int) -> Collection:
    collection = Collection.objects.filter(workspace=workspace, pk=collection_id).first()
    if collection is None:
        raise NotFound(f"No collection with id {collection_id} in this workspace.")
    return collection


def collection_by_slug(workspace: Workspace, slug: str) -> Collection | None:
    return Collection.objects.filter(workspace=workspace, slug=slug).first()


def articles(
    workspace: Workspace,
    *,
    state: str | None = None,
    locale: str | None = None,
    collection_id: int | None = None,
    visibility: str | None = None,
    article_ids: list[int] | None = None,
) -> QuerySet[Article]:
    """Articles with their translations (and who last changed them) loaded; a filter on state or
    locale keeps the articles that have a translation matching both."""
    queryset = Article.objects.filter(workspace=workspace)
    translation_filter = Q()
    if state:
        translation_filter &= Q(translations__state=state)
    if locale:
        translation_filter &= Q(translations__locale=locale)
    if translation_filter:
        queryset = queryset.filter(translation_filter).distinct()
    if collection_id is not None:
        queryset = queryset.filter(collection_id=collection_id)
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if article_ids is not None:
        queryset = queryset.filter(pk__in=article_ids)
    return queryset.select_related("collection").prefetch_related(
        Prefetch(
            "translations",
            queryset=ArticleTranslation.objects.select_related("updated_by").order_by("locale"),
        )
    )


def article_by_id(workspace: Workspace, article_id: int) -> Article:
    article = articles(workspace).filter(pk=article_id).first()
    if article is None:
        raise NotFound(f"No article with id {article_id} in this workspace.")
    return article


def article_by_slug(workspace: Workspace, slug: str) -> Article | None:
    return articles(workspace).filter(slug=slug).first()


def translation_of(article: Article, locale: str) -> ArticleTranslation:
    translation = ArticleTranslation.objects.filter(article=article, locale=locale).first()
    if translation is None:
        raise NotFound(f"The article '{article.slug}' has no translation in '{locale}'.")
    return translation


def revisions_of(translation: ArticleTranslation) -> QuerySet[ArticleRevision]:
    return ArticleRevision.objects.filter(
        workspace_id=translation.workspace_id, translation=translation
    ).select_related("teammate")


def revision_by_number(translation: ArticleTranslation, number: int) -> ArticleRevision:
    revision = revisions_of(translation).filter(number=number).first()
    if revision is None:
        raise NotFound(f"The translation has no revision {number}.")
    return revision


def all_translations(workspace: Workspace) -> QuerySet[ArticleTranslation]:
    """Every translation with its article and collection: what an export writes."""
    return (
        ArticleTranslation.objects.filter(workspace=workspace)
        .select_related("article", "article__collection")
        .order_by("article__slug", "locale")
    )


def search_articles(workspace: Workspace, query: str, *, limit: int = 50) -> tuple[list[int], str | None]:
    """The teammates' search over every published translation, public and internal: the ids of the
    articles found, best first, and the corrected query when a typo was corrected."""
    results = search.search_documents(
        workspace.pk, ARTICLE_KIND, query, audiences=("public", "internal"), limit=limit
    )
    translation_ids = [hit.object_id for hit in results.hits]
    article_of = dict(
        ArticleTranslation.objects.filter(workspace=workspace, pk__in=translation_ids).values_list(
            "pk", "article_id"
        )
    )
    article_ids = list(dict.fromkeys(article_of[pk] for pk in translation_ids if pk in article_of))
    return article_ids, results.corrected_query
