"""What the public help center shows: only published translations of public articles, always of one
workspace. Anything else (a draft, an archived or internal article, another workspace's) is not
found, exactly as an article that never existed."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.core.errors import NotFound
from concierge.core.search import search_documents
from concierge.helpcenter.models import Article, ArticleReaction, ArticleTranslation, Collection
from concierge.workspaces.models import Workspace

POPULAR_DAYS = 30
ARTICLE_KIND = "article"
HEADING_TWO = re.compile(r'<h2[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)
TAGS = re.compile(r"<[^>]+>")


def public_translations(workspace: Workspace, *, locale: str | None = None) -> QuerySet[ArticleTranslation]:
    """The translations a visitor may read: published, of a public article of this workspace."""
    translations = ArticleTranslation.objects.filter(
        workspace=workspace,
        state=ArticleTranslation.State.PUBLISHED,
        article__workspace=workspace,
        article__visibility=Article.Visibility.PUBLIC,
    )
    if locale is not None:
        translations = translations.filter(locale=locale)
    return translations.select_related("article", "article__collection")


def help_center_languages(workspace: Workspace) -> list[str]:
    """The languages the help center has an article in, the workspace's own first."""
    locales = set(public_translations(workspace).values_list("locale", flat=True).distinct())
    return sorted(locales, key=lambda locale: (locale != workspace.locale, locale))


def default_language(workspace: Workspace, languages: list[str]) -> str:
    """The workspace's language when the help center has it, else its first."""
    if workspace.locale in languages or not languages:
        return workspace.locale
    return languages[0]


def language_for_visitor(workspace: Workspace, languages: list[str], accept_language: str) -> str:
    """The best of the help center's languages for an Accept-Language header, else the default."""
    known = {locale.lower(): locale for locale in languages}
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower().replace("_", "-")
        if not tag or tag == "*":
            continue
        if tag in known:
            return known[tag]
        base = tag.split("-")[0]
        if base in known:
            return known[base]
        for locale_tag, locale in known.items():
            if locale_tag.split("-")[0] == base:
                return locale
    return default_language(workspace, languages)


@dataclass(frozen=True)
class PublicCollection:
    slug: str
    name: str
    description: str
    article_count: int


def collection_name(collection: Collection | None, locale: str) -> str:
    """A collection's name in a language, else in any language it has."""
    if collection is None:
        return ""
    return collection.names.get(locale) or next(iter(collection.names.values()), collection.slug)


def public_collections(workspace: Workspace, locale: str) -> list[PublicCollection]:
    """The collections with an article in this language, in their order, with how many."""
    counts = dict(
        public_translations(workspace, locale=locale)
        .filter(article__collection__isnull=False)
        .values_list("article__collection")
        .annotate(count=Count("id"))
        .values_list("article__collection", "count")
    )
    return [
        PublicCollection(
            slug=collection.slug,
            name=collection_name(collection, locale),
            description=collection.descriptions.get(locale, ""),
            article_count=counts[collection.pk],
        )
        for collection in Collection.objects.filter(workspace=workspace, pk__in=counts)
    ]


def public_collection(
    workspace: Workspace, slug: str, locale: str
) -> tuple[Collection, list[ArticleTranslation]]:
    """A collection and its articles in this language; not found when it has none."""
    collection = Collection.objects.filter(workspace=workspace, slug=slug).first()
    if collection is None:
        raise NotFound("No such collection.")
    articles = list(
        public_translations(workspace, locale=locale)
        .filter(article__collection=collection)
        .order_by("article__position", "article_id")
    )
    if not articles:
        raise NotFound("No such collection.")
    return collection, articles


def popular_articles(
    workspace: Workspace, locale: str, *, limit: int = 6, today: date | None = None
) -> list[ArticleTranslation]:
    """The most viewed articles of the last 30 days in this language; the rest in their order."""
    today = today or timezone.now().date()
    since = today - timedelta(days=POPULAR_DAYS - 1)
    translations = public_translations(workspace, locale=locale).annotate(
        recent_views=Coalesce(Sum("daily_views__views", filter=Q(daily_views__day__gte=since)), 0)
    )
    return list(
        translations.order_by(
            "-recent_views", "article__collection__position", "article__position", "article_id"
        )[:limit]
    )


def public_translation(workspace: Workspace, locale: str, article_slug: str) -> ArticleTranslation:
    translation = public_translations(workspace, locale=locale).filter(article__slug=article_slug).first()
    if translation is None:
        raise NotFound("No such article.")
    return translation


def other_languages(translation: ArticleTranslation) -> list[ArticleTranslation]:
    """The article's other published translations (the language switcher of its page)."""
    return list(
        public_translations(translation.article.workspace)
        .filter(article=translation.article)
        .exclude(pk=translation.pk)
        .order_by("locale")
    )


def related_articles(translation: ArticleTranslation, *, limit: int = 5) -> list[ArticleTranslation]:
    """Other articles of the same collection, in the same language."""
    article = translation.article
    if article.collection_id is None:
        return []
    return list(
        public_translations(article.workspace, locale=translation.locale)
        .filter(article__collection_id=article.collection_id)
        .exclude(article=article)
        .order_by("article__position", "article_id")[:limit]
    )


@dataclass(frozen=True)
class Heading:
    anchor: str
    text: str


def table_of_contents(translation: ArticleTranslation) -> list[Heading]:
    """The article's `##` headings with their anchors, read from its rendered HTML."""
    return [
        Heading(anchor=anchor, text=TAGS.sub("", text).strip())
        for anchor, text in HEADING_TWO.findall(translation.body_html)
    ]


@dataclass(frozen=True)
class FoundArticle:
    translation: ArticleTranslation
    title_html: str
    snippet_html: str


@dataclass(frozen=True)
class PublicSearch:
    query: str
    corrected_query: str | None
    found: list[FoundArticle]
    has_more: bool


def search_public_articles(
    workspace: Workspace,
    locale: str,
    query: str,
    *,
    prefix: bool = False,
    exact: bool = False,
    limit: int = 10,
    offset: int = 0,
) -> PublicSearch:
    """Articles a visitor may read matching the query in this language, best first, with their
    highlighted snippets. The index holds only published public translations; each hit is checked
    against the table again, so one the index has not caught up with is never shown.

    A query with a typo is corrected (core.search: a word the help center lacks, or one in a
    handful of articles next to a word in many); `exact` asks for the query as typed, uncorrected
    ("Search instead for …"): what the articles hold of it, when any does."""
    results = search_documents(
        workspace.pk,
        ARTICLE_KIND,
        query,
        locale=locale,
        audiences=("public",),
        prefix=prefix,
        limit=limit,
        offset=offset,
        correct=not exact,
    )
    readable = public_translations(workspace, locale=locale).in_bulk([hit.object_id for hit in results.hits])
    found = [
        FoundArticle(readable[hit.object_id], hit.title_html, hit.snippet_html)
        for hit in results.hits
        if hit.object_id in readable
    ]
    return PublicSearch(results.query, results.corrected_query, found, results.has_more)


@dataclass(frozen=True)
class SitemapArticle:
    slug: str
    updated: date
    locales: list[str]


def sitemap_articles(workspace: Workspace) -> list[SitemapArticle]:
    """Every public article with a published translation: its languages and latest change."""
    by_article: dict[int, SitemapArticle] = {}
    for translation in public_translations(workspace).order_by("article__position", "article_id", "locale"):
        entry = by_article.get(translation.article_id)
        updated = translation.updated_at.date()
        if entry is None:
            by_article[translation.article_id] = SitemapArticle(
                translation.article.slug, updated, [translation.locale]
            )
        else:
            entry.locales.append(translation.locale)
            by_article[translation.article_id] = SitemapArticle(
                entry.slug, max(entry.updated, updated), entry.locales
            )
    return list(by_article.values())


def collection_languages(workspace: Workspace, collection: Collection) -> list[str]:
    """The languages a collection has a readable article in."""
    return sorted(
        set(
            public_translations(workspace)
            .filter(article__collection=collection)
            .values_list("locale", flat=True)
        )
    )


def reaction_of(translation: ArticleTranslation, contact: Contact) -> str | None:
    """The reader's current reaction to a translation, if any."""
    return (
        ArticleReaction.objects.filter(translation=translation, contact=contact)
        .values_list("reaction", flat=True)
        .first()
    )
