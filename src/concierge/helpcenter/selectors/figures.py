"""The figures teammates read about their help center: views and reactions per article over a
period, and the searches that found nothing (content gaps). Views come from the daily counts
(ArticleDailyViews, UTC days), never from counting the log."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Sum

from concierge.helpcenter.models import (
    ArticleDailyViews,
    ArticleReaction,
    ArticleTranslation,
    UnansweredSearch,
)
from concierge.workspaces.models import Workspace

PERIODS = (7, 30, 90)
RECENT_DAYS = 7
REACTIONS = tuple(ArticleReaction.Reaction.values)  # disappointed, neutral, happy


@dataclass
class ArticleFigures:
    article_id: int
    slug: str
    title: str
    locales: list[str]
    visibility: str
    daily: list[int]  # views per day of the period, oldest first
    views_recent: int = 0  # the last RECENT_DAYS days
    reactions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REACTIONS, 0))

    @property
    def views(self) -> int:
        return sum(self.daily)

    @property
    def reactions_total(self) -> int:
        return sum(self.reactions.values())

    def share(self, reaction: str) -> float | None:
        """The part of the period's reactions that were this one (0–1); None without reactions."""
        return self.reactions[reaction] / self.reactions_total if self.reactions_total else None


def period_days(days: int, today: date) -> list[date]:
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def article_figures(workspace: Workspace, *, days: int, today: date) -> list[ArticleFigures]:
    """Every article with a published translation or a view in the period, most viewed first."""
    first = today - timedelta(days=days - 1)
    figures = _articles_with_titles(workspace, days)
    views = (
        ArticleDailyViews.objects.filter(workspace=workspace, day__gte=first, day__lte=today)
        .values("translation__article_id", "day")
        .annotate(total=Sum("views"))
    )
    for row in views:
        article = figures.get(row["translation__article_id"])
        if article is None:
            continue
        article.daily[(row["day"] - first).days] += row["total"]
    for article in figures.values():
        article.views_recent = sum(article.daily[-RECENT_DAYS:])
    since = datetime.combine(first, time.min, tzinfo=UTC)
    reactions = (
        ArticleReaction.objects.filter(workspace=workspace, at__gte=since)
        .values("translation__article_id", "reaction")
        .annotate(count=Count("id"))
    )
    for row in reactions:
        article = figures.get(row["translation__article_id"])
        if article is not None:
            article.reactions[row["reaction"]] += row["count"]
    return sorted(figures.values(), key=lambda a: (-a.views, -a.reactions_total, a.title.lower()))


def _articles_with_titles(workspace: Workspace, days: int) -> dict[int, ArticleFigures]:
    """Each article named by its translation in the workspace's language (else its first)."""
    figures: dict[int, ArticleFigures] = {}
    translations = (
        ArticleTranslation.objects.filter(workspace=workspace, article__workspace=workspace)
        .select_related("article")
        .order_by("article_id", "locale")
    )
    for translation in translations:
        article = translation.article
        entry = figures.get(article.pk)
        if entry is None:
            figures[article.pk] = ArticleFigures(
                article_id=article.pk,
                slug=article.slug,
                title=translation.title,
                locales=[translation.locale],
                visibility=article.visibility,
                daily=[0] * days,
            )
            continue
        entry.locales.append(translation.locale)
        if translation.locale == workspace.locale:
            entry.title = translation.title
    return figures


def content_gaps(workspace: Workspace, *, days: int, today: date, limit: int = 50) -> list[UnansweredSearch]:
    """The searches that found nothing, last searched in the period: most frequent first."""
    since = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=UTC)
    return list(
        UnansweredSearch.objects.filter(workspace=workspace, last_at__gte=since).order_by(
            "-searches", "-last_at", "query"
        )[:limit]
    )
