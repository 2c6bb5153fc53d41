"""The report's chart geometry: a day's counts and the days' names never run into each other, however
long the period."""

from datetime import date, timedelta

import pytest

from concierge.meetings.charts import DAY_LABEL_SPACING, VALUE_LABEL_MIN_WIDTH, WIDTH, daily_chart

# What a label needs at the chart's 10-unit text: about 6 units a character.
CHARACTER_WIDTH = 6


def _daily(days: int) -> list[dict]:
    first = date(2027, 1, 1)
    return [
        {"day": (first + timedelta(days=index)).isoformat(), "booked": 12, "held": 10, "no_shows": 11}
        for index in range(days)
    ]


def _label(day: date) -> str:
    return day.strftime("%b %-d")  # "Jan 30", the length of the page's label


@pytest.mark.parametrize("days", [1, 7, 14, 30, 31, 90, 366])
def test_day_names_are_spread_so_they_do_not_overlap_and_stay_inside(days):
    chart = daily_chart(_daily(days), day_label=_label)
    assert chart.labels and chart.labels[0].text == "Jan 1"
    positions = [label.x for label in chart.labels]
    widest = max(len(label.text) for label in chart.labels) * CHARACTER_WIDTH
    assert all(
        later - earlier >= widest + 4 for earlier, later in zip(positions, positions[1:], strict=False)
    )
    assert all(widest / 2 <= x <= WIDTH - widest / 2 for x in positions)
    assert widest + 4 <= DAY_LABEL_SPACING


@pytest.mark.parametrize("days", [1, 7, 14, 30, 90])
def test_counts_are_written_over_bars_only_when_each_has_room(days):
    chart = daily_chart(_daily(days), day_label=_label)
    widths = {bar.width for bar in chart.bars}
    assert chart.show_values == (min(widths) >= VALUE_LABEL_MIN_WIDTH)
    if chart.show_values:
        # Centred over their bars, two-digit counts of neighbouring bars keep apart.
        centres = sorted(bar.label_x for bar in chart.bars)
        assert all(
            later - earlier >= 2 * CHARACTER_WIDTH
            for earlier, later in zip(centres, centres[1:], strict=False)
        )
    assert chart.show_values is (days <= 7)
