"""The report's chart, drawn by the page itself: daily booked, held and no-show bars as SVG
geometry computed here, so the template only places rectangles and labels (no script, no CDN)."""

import math
from dataclasses import dataclass
from datetime import date

WIDTH = 720
HEIGHT = 220
TOP = 16
BOTTOM = 28
LEFT = 8
SERIES = (("booked", "bar-booked"), ("held", "bar-held"), ("no_shows", "bar-no-show"))
# The chart's text is 10 units high (meetings.css): a count over its bar needs a bar this wide, and a
# day's name below the axis ("Nov 30", "30 nov.") this much room, or the words run into each other.
VALUE_LABEL_MIN_WIDTH = 14
DAY_LABEL_SPACING = 56
DAY_LABEL_EDGE = 22  # half a day's name: the nearest its middle comes to either side


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css_class: str
    value: int
    label: str  # what a screen reader and a tooltip say

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def label_y(self) -> float:
        return round(self.y - 3, 2)


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True)
class DailyChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    labels: list[AxisLabel]
    show_values: bool
    peak: int


def daily_chart(daily: list[dict], *, day_label) -> DailyChart:
    """`daily` rows are {"day": ISO date, "booked", "held", "no_shows"}; `day_label(date)` names a day."""
    days = len(daily) or 1
    plot_height = HEIGHT - TOP - BOTTOM
    peak = max([row[key] for row in daily for key, _ in SERIES] + [1])
    slot = (WIDTH - LEFT * 2) / days
    bar_width = max(slot * 0.8 / len(SERIES), 1.0)
    bars, labels = [], []
    label_every = max(1, math.ceil(DAY_LABEL_SPACING / slot))
    for index, row in enumerate(daily):
        left = LEFT + index * slot + slot * 0.1
        for position, (key, css_class) in enumerate(SERIES):
            value = row[key]
            height = plot_height * value / peak
            bars.append(
                Bar(
                    x=round(left + position * bar_width, 2),
                    y=round(TOP + plot_height - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    css_class=css_class,
                    value=value,
                    label=f"{day_label(date.fromisoformat(row['day']))}: {value} {key.replace('_', '-')}",
                )
            )
        if index % label_every == 0:
            # Kept clear of the edges, so a day named at the first or last bar is not cut in half.
            middle = min(max(LEFT + index * slot + slot / 2, DAY_LABEL_EDGE), WIDTH - DAY_LABEL_EDGE)
            labels.append(AxisLabel(x=round(middle, 2), text=day_label(date.fromisoformat(row["day"]))))
    return DailyChart(
        width=WIDTH,
        height=HEIGHT,
        baseline=TOP + plot_height,
        bars=bars,
        labels=labels,
        show_values=bar_width >= VALUE_LABEL_MIN_WIDTH,
        peak=peak,
    )
