"""Keeping the search index (core.search) in step with the help center: a translation is indexed
while it is published, for its article's audience, and removed from the index otherwise.

Called by the writing services inside their transaction, so the index and the articles agree."""

from collections.abc import Iterable

from concierge.core import search
from concierge.core.text import message_text
from concierge.helpcenter.models import Article, ArticleTranslation
from concierge.helpcenter.services.rendering import article_headings

ARTICLE_KIND = "article"


def search_document(translation: ArticleTranslation, article: Article):
    return search.SearchDocument(
        workspace_id=translation.workspace_id,
        kind=ARTICLE_KIND,
        object_id=translation.pk,
        locale=translation.locale,
        title=translation.title,
        headings="\n".join(article_headings(translation.body)),
        body=message_text(translation.body_html),
        audience=article.visibility,
    )


def sync_translations(article: Article, translations: Iterable[ArticleTranslation]) -> None:
    """Index the published ones (again: their words or audience may have changed), remove the rest."""
    translations = list(translations)
    published = [t for t in translations if t.state == ArticleTranslation.State.PUBLISHED]
    unpublished = [t.pk for t in translations if t.state != ArticleTranslation.State.PUBLISHED]
    if published:
        search.index_documents([search_document(t, article) for t in published])
    if unpublished:
        search.remove_documents(ARTICLE_KIND, unpublished)


def remove_translations(translation_ids: list[int]) -> None:
    if not translation_ids:
        return
    search.remove_documents(ARTICLE_KIND, translation_ids)
