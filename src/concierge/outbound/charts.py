"""A message's figures over time, drawn by the page itself: one line per figure (sent, opened,
clicked, reacted, replied, goal met) as SVG geometry computed here, so the template only places
lines, dots and labels (no script, no CDN). The figures are also given as a table beside it."""

import math
from dataclasses import dataclass
from datetime import date

WIDTH = 720
HEIGHT = 240
TOP = 14
BOTTOM = 26
LEFT = 34  # room for the scale's numbers
RIGHT = 10
# (key, label, css class): the order the legend reads and the lines are drawn (the largest first).
SERIES = (
    ("sent", "Sent", "line-sent"),
    ("opened", "Opened", "line-opened"),
    ("clicked", "Clicked", "line-clicked"),
    ("reacted", "Reacted", "line-reacted"),
    ("replied", "Replied", "line-replied"),
    ("goal_met", "Goal met", "line-goal"),
)
# The chart's text is 10 units high: a day's name ("Nov 30") needs this much room, or they collide.
DAY_LABEL_SPACING = 56
DAY_LABEL_EDGE = 22
TICKS = 4


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    css_class: str
    points: str  # "x,y x,y …" for a <polyline>
    dots: list[tuple[float, float, str]]  # (x, y, tooltip) — drawn when the days are few
    total: int


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    baseline: float
    lines: list[Line]
    ticks: list[Tick]
    labels: list[AxisLabel]
    peak: int

    @property
    def is_empty(self) -> bool:
        return self.peak == 0


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ (times TICKS) at or above `value`, so the scale reads in round steps."""
    if value <= TICKS:
        return TICKS
    step = value / TICKS
    magnitude = 10 ** math.floor(math.log10(step))
    for factor in (1, 2, 5, 10):
        if step <= factor * magnitude:
            return int(factor * magnitude * TICKS)
    return int(10 * magnitude * TICKS)  # pragma: no cover - the loop always returns


def figures_chart(daily: list[dict], *, day_label) -> LineChart:
    """`daily` rows are {"day": date, "sent", "opened", "clicked", "reacted", "replied", "goal_met"}, one per
    day in order; `day_label(date)` names a day."""
    days = len(daily)
    peak = max([row[key] for row in daily for key, _, _ in SERIES] + [0])
    top_value = nice_ceiling(peak)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = plot_width / max(days - 1, 1)

    def x_of(index: int) -> float:
        return round(LEFT + (index * slot if days > 1 else plot_width / 2), 2)

    def y_of(value: int) -> float:
        return round(baseline - plot_height * value / top_value, 2)

    lines = []
    for key, label, css_class in SERIES:
        coordinates = [(x_of(i), y_of(row[key])) for i, row in enumerate(daily)]
        dots = []
        if days <= 31:
            dots = [
                (x, y, f"{day_label(_day(row['day']))}: {row[key]} {label.lower()}")
                for (x, y), row in zip(coordinates, daily, strict=True)
            ]
        lines.append(
            Line(
                key=key,
                label=label,
                css_class=css_class,
                points=" ".join(f"{x},{y}" for x, y in coordinates),
                dots=dots,
                total=sum(row[key] for row in daily),
            )
        )
    ticks = [Tick(y=y_of(top_value * n // TICKS), value=top_value * n // TICKS) for n in range(TICKS + 1)]
    label_every = max(1, math.ceil(DAY_LABEL_SPACING / slot)) if days > 1 else 1
    labels = []
    for index, row in enumerate(daily):
        if index % label_every == 0 or (
            index == days - 1 and days > 1 and index % label_every > label_every // 2
        ):
            middle = min(max(x_of(index), LEFT + DAY_LABEL_EDGE - 10), WIDTH - DAY_LABEL_EDGE)
            labels.append(AxisLabel(x=round(middle, 2), text=day_label(_day(row["day"]))))
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        baseline=baseline,
        lines=lines,
        ticks=ticks,
        labels=labels,
        peak=peak,
    )


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
