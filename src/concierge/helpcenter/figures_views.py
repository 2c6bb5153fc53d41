"""The teammates' figures page: how each article is read and felt about over a period, with the
searches that found nothing. Charts are SVG drawn by the server (no script)."""

from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from concierge.helpcenter.models import ArticleReaction
from concierge.helpcenter.selectors.figures import PERIODS, REACTIONS, article_figures, content_gaps
from concierge.workspaces.access import teammate_page

DEFAULT_PERIOD = 30
SPARK_WIDTH = 120
SPARK_HEIGHT = 28
REACTION_LABELS = {choice.value: choice.label for choice in ArticleReaction.Reaction}


@dataclass(frozen=True)
class Sparkline:
    points: str  # the polyline's "x,y x,y …"
    area: str  # the same line closed along the baseline, for the soft fill
    peak: int


def sparkline(daily: list[int]) -> Sparkline:
    """Views per day as a small line, scaled to the article's own busiest day."""
    peak = max(daily, default=0)
    step = SPARK_WIDTH / max(len(daily) - 1, 1)
    top = SPARK_HEIGHT - 2
    coordinates = [
        (round(index * step, 1), round(SPARK_HEIGHT - 1 - (value / peak * top if peak else 0), 1))
        for index, value in enumerate(daily)
    ]
    points = " ".join(f"{x},{y}" for x, y in coordinates)
    area = f"0,{SPARK_HEIGHT} {points} {coordinates[-1][0] if coordinates else 0},{SPARK_HEIGHT}"
    return Sparkline(points=points, area=area, peak=peak)


@dataclass(frozen=True)
class ReactionShare:
    reaction: str
    emoji: str
    count: int
    percent: int  # of the period's reactions, rounded
    x: float  # where its part of the stacked bar starts (0–100)
    width: float


def reaction_shares(figures) -> list[ReactionShare]:
    shares, x = [], 0.0
    for reaction in REACTIONS:
        part = figures.share(reaction) or 0.0
        shares.append(
            ReactionShare(
                reaction=reaction,
                emoji=REACTION_LABELS[reaction],
                count=figures.reactions[reaction],
                percent=round(part * 100),
                x=round(x, 2),
                width=round(part * 100, 2),
            )
        )
        x += part * 100
    return shares


def _period_from(request) -> tuple[int, str | None]:
    value = request.GET.get("days", "")
    if not value:
        return DEFAULT_PERIOD, None
    if value.isascii() and value.isdigit() and int(value) in PERIODS:
        return int(value), None
    choices = ", ".join(str(days) for days in PERIODS)
    return DEFAULT_PERIOD, f"days must be one of {choices}; showing the last {DEFAULT_PERIOD} days."


@teammate_page
@require_GET
def article_figures_page(request):
    days, error = _period_from(request)
    today = timezone.now().date()
    figures = article_figures(request.workspace, days=days, today=today)
    rows = [{"figures": f, "spark": sparkline(f.daily), "shares": reaction_shares(f)} for f in figures]
    context = {
        "section": "articles",
        "days": days,
        "periods": PERIODS,
        "error": error,
        "rows": rows,
        "total_views": sum(f.views for f in figures),
        "total_reactions": sum(f.reactions_total for f in figures),
        "gaps": content_gaps(request.workspace, days=days, today=today),
        "spark_width": SPARK_WIDTH,
        "spark_height": SPARK_HEIGHT,
    }
    return render(request, "helpcenter/figures.html", context, status=400 if error else 200)
