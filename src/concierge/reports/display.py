"""How the support report's figures read on the page: counts, percentages, ratings, durations ("2 h 15 min"),
and each figure's change against the previous period ("▲ 12%"). A missing figure reads "—" with the reason."""

from dataclasses import dataclass
from datetime import date
from enum import Enum

from babel.dates import format_interval
from babel.numbers import format_decimal

from concierge.core.zones import babel_locale

NO_DATA = "—"


class Kind(Enum):
    COUNT = "count"
    RATE = "rate"  # a share from 0 to 1, shown as a percentage; changes in percentage points
    RATING = "rating"  # an average rating out of 5
    DURATION = "duration"  # seconds


class Better(Enum):
    HIGHER = "higher"
    LOWER = "lower"
    EITHER = "either"  # a volume: more is neither good nor bad


@dataclass(frozen=True)
class Change:
    arrow: str  # "▲", "▼" or "" (no change)
    text: str  # "12%", "3.2 pts", "new", "no change"
    tone: str  # "good", "bad" or "neutral"
    description: str  # the same in words, for a tooltip and screen readers


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: Kind
    value: float | int | None
    previous: float | int | None
    text: str
    previous_text: str
    change: Change | None
    hint: str  # why the figure is missing, when it is
    href: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.value is None


def format_count(value: int | float | None, locale: str | None) -> str:
    if value is None:
        return NO_DATA
    return format_decimal(value, format="#,##0", locale=babel_locale(locale))


def format_share(value: float | None, locale: str | None) -> str:
    """0.3182 -> '31.8%'."""
    if value is None:
        return NO_DATA
    return format_decimal(value * 100, format="#,##0.0", locale=babel_locale(locale)) + "%"


def format_rating(value: float | None, locale: str | None) -> str:
    if value is None:
        return NO_DATA
    return format_decimal(value, format="0.00", locale=babel_locale(locale)) + " / 5"


def format_duration(seconds: float | None) -> str:
    """A span of time as a person says it: '45 s', '4 min 30 s', '2 h 15 min', '3 d 4 h'."""
    if seconds is None:
        return NO_DATA
    whole_seconds = int(seconds + 0.5)
    if whole_seconds < 60:
        return f"{whole_seconds} s"
    if whole_seconds < 600:
        minutes, rest = divmod(whole_seconds, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    whole_minutes = int(seconds / 60 + 0.5)
    if whole_minutes < 24 * 60:
        hours, minutes = divmod(whole_minutes, 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    whole_hours = int(seconds / 3600 + 0.5)
    days, hours = divmod(whole_hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def format_value(value, kind: Kind, locale: str | None) -> str:
    if kind is Kind.COUNT:
        return format_count(value, locale)
    if kind is Kind.RATE:
        return format_share(value, locale)
    if kind is Kind.RATING:
        return format_rating(value, locale)
    return format_duration(value)


def _tone(went_up: bool, better: Better) -> str:
    if better is Better.EITHER:
        return "neutral"
    return "good" if went_up == (better is Better.HIGHER) else "bad"


def change_between(current, previous, kind: Kind, better: Better, locale: str | None = "en") -> Change | None:
    """The change from the previous period: relative for counts, ratings and durations, in percentage
    points for rates (a rate going from 30% to 33% "rose 3 points", not "10%"). None when either is
    missing."""
    if current is None or previous is None:
        return None
    loc = babel_locale(locale)
    previous_text = format_value(previous, kind, locale)
    if kind is Kind.RATE:
        points = (current - previous) * 100
        if round(points, 1) == 0:
            return Change("", "no change", "neutral", f"no change from {previous_text}")
        text = format_decimal(abs(points), format="#,##0.0", locale=loc) + " pts"
        went_up = points > 0
        words = (
            f"{'up' if went_up else 'down'} {text.replace('pts', 'percentage points')} from {previous_text}"
        )
        return Change("▲" if went_up else "▼", text, _tone(went_up, better), words)
    if current == previous:
        return Change("", "no change", "neutral", f"no change from {previous_text}")
    went_up = current > previous
    if previous == 0:
        return Change("▲", "new", _tone(True, better), f"up from {previous_text}")
    percent = abs(current - previous) / previous * 100
    if round(percent, 1) == 0:
        return Change("", "no change", "neutral", f"about the same as {previous_text}")
    text = format_decimal(percent, format="#,##0" if percent >= 10 else "#,##0.0", locale=loc) + "%"
    words = f"{'up' if went_up else 'down'} {text} from {previous_text}"
    return Change("▲" if went_up else "▼", text, _tone(went_up, better), words)


def make_figure(
    key: str,
    label: str,
    current,
    previous,
    kind: Kind,
    better: Better,
    *,
    hint: str = "no data in this period",
    href: str | None = None,
    locale: str | None = "en",
) -> Figure:
    return Figure(
        key=key,
        label=label,
        kind=kind,
        value=current,
        previous=previous,
        text=format_value(current, kind, locale),
        previous_text=format_value(previous, kind, locale),
        change=change_between(current, previous, kind, better, locale),
        hint=hint if current is None else "",
        href=href,
    )


def period_text(date_from: date, date_to: date, locale: str | None = "en") -> str:
    """'Mar 1 – 30, 2026' in the teammate's language."""
    return format_interval(date_from, date_to, "yMMMd", locale=babel_locale(locale))


def share_of(part: int | None, whole: int | None) -> float | None:
    """part / whole, or None when there is no whole to take a share of."""
    if part is None or not whole:
        return None
    return part / whole


@dataclass(frozen=True)
class FigureSpec:
    label: str
    kind: Kind
    better: Better
    hint: str = "no data in this period"


HUMAN_METRICS = {
    "conversations": FigureSpec("Conversations", Kind.COUNT, Better.EITHER),
    "ratings": FigureSpec("Rated conversations", Kind.COUNT, Better.EITHER),
    "rating_average": FigureSpec("Average rating", Kind.RATING, Better.HIGHER, "no ratings"),
    "rating_positive_share": FigureSpec("Rated 4 or 5", Kind.RATE, Better.HIGHER, "no ratings"),
    "median_first_response_seconds": FigureSpec(
        "Median first response", Kind.DURATION, Better.LOWER, "no teammate replies"
    ),
    "median_time_to_close_seconds": FigureSpec(
        "Median time to close", Kind.DURATION, Better.LOWER, "no closed conversations"
    ),
}

FIGURES = {
    "proactive.sent": FigureSpec("Messages delivered", Kind.COUNT, Better.EITHER),
    "proactive.opened": FigureSpec("Opened", Kind.COUNT, Better.HIGHER),
    "proactive.clicked": FigureSpec("Clicked", Kind.COUNT, Better.HIGHER),
    "proactive.reacted": FigureSpec("Reacted", Kind.COUNT, Better.HIGHER),
    "sessions.total": FigureSpec("Support sessions", Kind.COUNT, Better.EITHER),
    "sessions.stopped": FigureSpec("Stopped seeking support", Kind.COUNT, Better.LOWER),
    "sessions.self_serve_tried": FigureSpec("Tried self-serve", Kind.COUNT, Better.HIGHER),
    "sessions.self_serve_resolved": FigureSpec("Resolved by self-serve", Kind.COUNT, Better.HIGHER),
    "sessions.human_after_self_serve": FigureSpec("Teammates after self-serve", Kind.COUNT, Better.EITHER),
    "sessions.human_from_start": FigureSpec("Teammates from the start", Kind.COUNT, Better.EITHER),
    "people_seeking_support": FigureSpec("People seeking support", Kind.COUNT, Better.EITHER),
    "rates.self_serve_resolution": FigureSpec(
        "Self-serve resolution", Kind.RATE, Better.HIGHER, "no session was resolved or reached a teammate"
    ),
    "rates.articles_resolution": FigureSpec(
        "Article resolution", Kind.RATE, Better.HIGHER, "no articles were viewed"
    ),
    "rates.automated_resolution": FigureSpec(
        "Automated resolution", Kind.RATE, Better.HIGHER, "no automated answers were delivered"
    ),
    **{
        f"human_support.{group}.{name}": spec
        for group in ("after_self_serve", "from_start")
        for name, spec in HUMAN_METRICS.items()
    },
}

# Not in the report itself: the sessions that reached a teammate, with or without self-serve first.
HUMAN_SESSIONS = "human_support.sessions"


def _dotted(period: dict, key: str):
    value = period
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _human_sessions(period: dict) -> int:
    sessions = period.get("sessions") or {}
    return (sessions.get("human_after_self_serve") or 0) + (sessions.get("human_from_start") or 0)


def figures_from_report(report: dict, locale: str | None, href_for=lambda key: None) -> dict[str, Figure]:
    """Every figure of `report` (the spec's JSON shape) by dotted name, ready to show, each linked to
    the list behind it by `href_for(key)`."""
    current, previous = report["current"], report["previous"]
    figures = {
        key: make_figure(
            key,
            spec.label,
            _dotted(current, key),
            _dotted(previous, key),
            spec.kind,
            spec.better,
            hint=spec.hint,
            href=href_for(key),
            locale=locale,
        )
        for key, spec in FIGURES.items()
    }
    figures[HUMAN_SESSIONS] = make_figure(
        HUMAN_SESSIONS,
        "Supported by teammates",
        _human_sessions(current),
        _human_sessions(previous),
        Kind.COUNT,
        Better.EITHER,
        href=href_for(HUMAN_SESSIONS),
        locale=locale,
    )
    return figures
