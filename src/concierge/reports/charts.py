"""The support report's charts, laid out in Python and drawn by the templates in templates/reports/charts/:
bars and arcs as inline SVG, the words and figures beside them as text, so every chart reads without
hovering, scales with the page and needs no script. Bar lengths are percentages of their box."""

import math
from dataclasses import dataclass

from concierge.reports.display import HUMAN_SESSIONS, Figure, format_share, share_of

# ---------- The funnel: proactive → seeking support → self-serve → teammates, "stopped" apart ----------

SMALLEST_VISIBLE_BAR = 0.8  # percent of the bar's box: a non-zero figure never vanishes


@dataclass(frozen=True)
class FunnelRow:
    figure: Figure
    label: str
    note: str  # e.g. "61.6% of sessions"
    level: int  # 0 for a stage's main rows, 1 for a part of the row above
    bar_x: float  # percent of the bar's box: bars are centred, so the rows draw a funnel
    bar_width: float


@dataclass(frozen=True)
class FunnelStage:
    name: str
    css: str  # proactive, seeking, self-serve, human, stopped
    description: str
    rows: list[FunnelRow]


def bar_percent(value: int | float | None, largest: int | float | None) -> float:
    """How long a bar is, in percent of its box, for `value` on a scale whose end is `largest`."""
    if not value or not largest:
        return 0.0
    return round(max(SMALLEST_VISIBLE_BAR, 100 * min(1.0, value / largest)), 2)


def _centred_row(figure: Figure, label: str, note: str, level: int, largest) -> FunnelRow:
    width = bar_percent(figure.value, largest)
    return FunnelRow(figure, label, note, level, round((100 - width) / 2, 2), width)


def _share_note(part, whole, of_what: str, locale) -> str:
    share = share_of(part, whole)
    return f"{format_share(share, locale)} of {of_what}" if share is not None else ""


def funnel_chart(figures: dict[str, Figure], locale: str | None = "en") -> list[FunnelStage]:
    """The funnel's stages, top to bottom, "stopped" last. `figures` by dotted name, including
    "human_support.sessions" (sessions that reached a teammate). Proactive bars are on the scale of the
    messages delivered, all others on the scale of the sessions."""

    def row(key: str, label: str, level: int, largest, part_of=None, of_what: str = "") -> FunnelRow:
        note = _share_note(figures[key].value, part_of, of_what, locale) if of_what else ""
        return _centred_row(figures[key], label, note, level, largest)

    sent = figures["proactive.sent"].value
    sessions = figures["sessions.total"].value
    tried = figures["sessions.self_serve_tried"].value
    people = figures["people_seeking_support"]
    seeking = _centred_row(
        figures["sessions.total"],
        "Support sessions",
        f"by {people.text} {'person' if people.value == 1 else 'people'}",
        0,
        sessions,
    )
    return [
        FunnelStage(
            "Proactive",
            "proactive",
            "messages sent before they ask",
            [
                row("proactive.sent", "Messages delivered", 0, sent),
                row("proactive.opened", "Opened", 1, sent, sent, "delivered"),
                row("proactive.clicked", "Clicked", 1, sent, sent, "delivered"),
                row("proactive.reacted", "Reacted", 1, sent, sent, "delivered"),
            ],
        ),
        FunnelStage("Seeking support", "seeking", "24-hour support sessions", [seeking]),
        FunnelStage(
            "Self-serve",
            "self-serve",
            "articles and automated answers",
            [
                row("sessions.self_serve_tried", "Tried self-serve", 0, sessions, sessions, "sessions"),
                row(
                    "sessions.self_serve_resolved",
                    "Resolved by self-serve",
                    1,
                    sessions,
                    tried,
                    "those who tried",
                ),
            ],
        ),
        FunnelStage(
            "Human",
            "human",
            "supported by teammates",
            [
                row(HUMAN_SESSIONS, "Supported by teammates", 0, sessions, sessions, "sessions"),
                row(
                    "sessions.human_after_self_serve",
                    "after trying self-serve",
                    1,
                    sessions,
                    sessions,
                    "sessions",
                ),
                row("sessions.human_from_start", "from the start", 1, sessions, sessions, "sessions"),
            ],
        ),
        FunnelStage(
            "Stopped",
            "stopped",
            "no article read, no conversation",
            [row("sessions.stopped", "Stopped seeking support", 0, sessions, sessions, "sessions")],
        ),
    ]


# ---------- The split: sessions resolved by self-serve versus supported by teammates (a donut) ----------

DONUT_SIZE = 200
DONUT_RADIUS = 76
DONUT_STROKE = 30
DONUT_GAP = 2.0  # between two slices, along the circle


@dataclass(frozen=True)
class DonutSlice:
    figure: Figure
    label: str
    css: str
    share: float | None
    share_text: str
    dash: str = ""  # stroke-dasharray
    offset: float = 0  # stroke-dashoffset


@dataclass
class DonutChart:
    slices: list[DonutSlice]
    total: int
    size: int = DONUT_SIZE
    radius: int = DONUT_RADIUS
    stroke: int = DONUT_STROKE

    @property
    def centre(self) -> float:
        return self.size / 2

    @property
    def is_empty(self) -> bool:
        return not self.total


def donut_chart(parts: list[tuple[Figure, str, str]], locale: str | None = "en") -> DonutChart:
    """parts: (figure, label, css) in drawing order, clockwise from the top."""
    total = sum(figure.value or 0 for figure, _, _ in parts)
    circumference = 2 * math.pi * DONUT_RADIUS
    drawn = [figure for figure, _, _ in parts if figure.value]
    gap = DONUT_GAP if len(drawn) > 1 else 0
    slices = []
    start = 0.0
    for figure, label, css in parts:
        share = share_of(figure.value, total)
        length = circumference * (share or 0)
        visible = max(0.0, length - gap) if length else 0.0
        slices.append(
            DonutSlice(
                figure=figure,
                label=label,
                css=css,
                share=share,
                share_text=format_share(share, locale),
                dash=f"{visible:.2f} {circumference - visible:.2f}",
                offset=round(-start, 2),
            )
        )
        start += length
    return DonutChart(slices=slices, total=total)


# ---------- The three resolution rates: half-circle gauges with the previous period marked ----------

GAUGE_WIDTH = 180
GAUGE_HEIGHT = 108
GAUGE_RADIUS = 70
GAUGE_STROKE = 16


@dataclass(frozen=True)
class Gauge:
    figure: Figure
    label: str
    explanation: str
    track_path: str
    value_path: str  # "" when the rate is 0 or missing
    previous_marker: tuple[float, float, float, float] | None  # x1, y1, x2, y2
    width: int = GAUGE_WIDTH
    height: int = GAUGE_HEIGHT
    stroke: int = GAUGE_STROKE

    @property
    def centre_x(self) -> float:
        return GAUGE_WIDTH / 2

    @property
    def centre_y(self) -> float:
        return GAUGE_RADIUS + GAUGE_STROKE / 2 + 8


def _point_on_gauge(share: float, radius: float) -> tuple[float, float]:
    """The point at `share` (0 = left end, 1 = right end) of the upper half circle."""
    angle = math.pi * (1 - min(1.0, max(0.0, share)))
    cx, cy = GAUGE_WIDTH / 2, GAUGE_RADIUS + GAUGE_STROKE / 2 + 8
    return cx + radius * math.cos(angle), cy - radius * math.sin(angle)


def _gauge_arc(share: float) -> str:
    if share <= 0:
        return ""
    x0, y0 = _point_on_gauge(0, GAUGE_RADIUS)
    x1, y1 = _point_on_gauge(share, GAUGE_RADIUS)
    return f"M {x0:.2f} {y0:.2f} A {GAUGE_RADIUS} {GAUGE_RADIUS} 0 0 1 {x1:.2f} {y1:.2f}"


def gauge(figure: Figure, label: str, explanation: str) -> Gauge:
    marker = None
    if figure.previous is not None:
        inner = _point_on_gauge(figure.previous, GAUGE_RADIUS - GAUGE_STROKE / 2 - 4)
        outer = _point_on_gauge(figure.previous, GAUGE_RADIUS + GAUGE_STROKE / 2 + 4)
        marker = (*(round(v, 2) for v in inner), *(round(v, 2) for v in outer))
    return Gauge(
        figure=figure,
        label=label,
        explanation=explanation,
        track_path=_gauge_arc(1.0),
        value_path=_gauge_arc(figure.value or 0),
        previous_marker=marker,
    )


# ---------- Horizontal bars: proactive engagement, the current period over the previous one ----------


@dataclass(frozen=True)
class Bar:
    figure: Figure
    label: str
    shade: int  # 0 darkest … 3 lightest
    width: float  # percent of the bar's box
    previous_width: float


def bar_chart(rows: list[tuple[Figure, str]]) -> list[Bar]:
    """rows: (figure, label); bars share one scale, the largest figure of either period."""
    largest = max([figure.value or 0 for figure, _ in rows] + [figure.previous or 0 for figure, _ in rows])
    return [
        Bar(
            figure=figure,
            label=label,
            shade=min(index, 3),
            width=bar_percent(figure.value, largest),
            previous_width=bar_percent(figure.previous, largest),
        )
        for index, (figure, label) in enumerate(rows)
    ]


# ---------- Served by teammates: after self-serve versus from the start, metric by metric ----------


@dataclass(frozen=True)
class PairedBar:
    figure: Figure
    group: str  # "after" or "from-start"
    group_label: str
    width: float  # percent of the bar's box
    previous_x: float | None  # where the previous period's value falls, in percent, for a tick


@dataclass(frozen=True)
class PairedMetric:
    label: str
    explanation: str
    bars: tuple[PairedBar, PairedBar]


def _paired_bar(figure: Figure, group: str, group_label: str, largest) -> PairedBar:
    previous_x = None
    if figure.previous is not None and largest:
        previous_x = round(100 * min(1.0, figure.previous / largest), 2)
    return PairedBar(figure, group, group_label, bar_percent(figure.value, largest), previous_x)


def paired_chart(metrics: list[tuple[str, str, Figure, Figure, float | None]]) -> list[PairedMetric]:
    """metrics: (label, explanation, after-self-serve figure, from-the-start figure, the scale's end, or None
    for the largest value of both groups in either period)."""
    drawn = []
    for label, explanation, after, from_start, scale in metrics:
        largest = scale or max(
            v or 0 for v in (after.value, after.previous, from_start.value, from_start.previous)
        )
        bars = (
            _paired_bar(after, "after", "After self-serve", largest),
            _paired_bar(from_start, "from-start", "From the start", largest),
        )
        drawn.append(PairedMetric(label, explanation, bars))
    return drawn
