"""How the report's figures read on the page: durations, shares, changes against the previous period,
missing figures — and the charts' geometry for the edge cases (nothing at all, one slice, full gauge)."""

import pytest

from concierge.reports import charts
from concierge.reports.display import (
    NO_DATA,
    Better,
    Kind,
    change_between,
    figures_from_report,
    format_duration,
    format_share,
    make_figure,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, NO_DATA),
        (0, "0 s"),
        (44.5, "45 s"),
        (60, "1 min"),
        (270, "4 min 30 s"),
        (599.6, "10 min"),
        (3599.9, "1 h"),
        (8100, "2 h 15 min"),
        (86399, "1 d"),
        (86400 * 3 + 3600 * 4 + 60 * 20, "3 d 4 h"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds, text):
    assert format_duration(seconds) == text


def test_shares_are_percentages_with_one_decimal():
    assert format_share(0.3182, "en") == "31.8%"
    assert format_share(1, "en") == "100.0%"
    assert format_share(None, "en") == NO_DATA


def test_changes_are_relative_for_counts_and_in_points_for_rates():
    up = change_between(1058, 940, Kind.COUNT, Better.EITHER)
    assert (up.arrow, up.text, up.tone) == ("▲", "13%", "neutral")
    down = change_between(95, 100, Kind.COUNT, Better.HIGHER)
    assert (down.arrow, down.text, down.tone) == ("▼", "5.0%", "bad")
    rate = change_between(0.3318, 0.3, Kind.RATE, Better.HIGHER)
    assert (rate.arrow, rate.text, rate.tone) == ("▲", "3.2 pts", "good")
    slower = change_between(7200, 3600, Kind.DURATION, Better.LOWER)
    assert (slower.arrow, slower.text, slower.tone) == ("▲", "100%", "bad")
    assert "from 1 h" in slower.description


def test_a_change_from_nothing_or_to_nothing():
    assert change_between(5, 0, Kind.COUNT, Better.HIGHER).text == "new"
    assert change_between(0, 0, Kind.COUNT, Better.HIGHER).text == "no change"
    assert change_between(None, 0.5, Kind.RATE, Better.HIGHER) is None
    assert change_between(0.5, None, Kind.RATE, Better.HIGHER) is None


def test_a_missing_figure_reads_as_a_dash_with_its_reason():
    figure = make_figure("x", "Average rating", None, 4.5, Kind.RATING, Better.HIGHER, hint="no ratings")
    assert (figure.text, figure.previous_text, figure.hint, figure.change) == (
        NO_DATA,
        "4.50 / 5",
        "no ratings",
        None,
    )


def _empty_period():
    human = {
        "conversations": 0,
        "ratings": 0,
        "rating_average": None,
        "rating_positive_share": None,
        "median_first_response_seconds": None,
        "median_time_to_close_seconds": None,
    }
    return {
        "start": "2026-03-01T00:00:00-05:00",
        "end": "2026-03-08T00:00:00-05:00",
        "proactive": {"sent": 0, "opened": 0, "clicked": 0, "reacted": 0},
        "sessions": {
            "total": 0,
            "stopped": 0,
            "self_serve_tried": 0,
            "self_serve_resolved": 0,
            "human_after_self_serve": 0,
            "human_from_start": 0,
        },
        "people_seeking_support": 0,
        "rates": {"self_serve_resolution": None, "articles_resolution": None, "automated_resolution": None},
        "human_support": {"after_self_serve": dict(human), "from_start": dict(human)},
    }


def test_charts_of_an_empty_report_draw_nothing_and_do_not_divide_by_zero():
    report = {"timezone": "UTC", "current": _empty_period(), "previous": _empty_period()}
    figures = figures_from_report(report, "en")
    rows = [row for stage in charts.funnel_chart(figures) for row in stage.rows]
    assert len(rows) == 11 and all(row.bar_width == 0 for row in rows)
    assert [row.note for row in rows if row.figure.key == "sessions.stopped"] == [""]
    donut = charts.donut_chart([(figures["sessions.self_serve_resolved"], "Self-serve", "self-serve")])
    assert donut.is_empty
    gauge = charts.gauge(figures["rates.self_serve_resolution"], "Self-serve resolution", "")
    assert gauge.value_path == "" and gauge.previous_marker is None
    paired = charts.paired_chart(
        [
            (
                "Rating",
                "",
                figures["human_support.after_self_serve.rating_average"],
                figures["human_support.from_start.rating_average"],
                5,
            )
        ]
    )
    assert all(bar.width == 0 and bar.previous_x is None for bar in paired[0].bars)


def test_funnel_bars_are_centred_and_scaled_to_their_stage():
    report = {"timezone": "UTC", "current": _empty_period(), "previous": _empty_period()}
    report["current"]["proactive"].update(sent=200, opened=50)
    report["current"]["sessions"].update(total=400, self_serve_tried=100, self_serve_resolved=1)
    report["current"]["people_seeking_support"] = 1
    stages = charts.funnel_chart(figures_from_report(report, "en"))
    rows = {row.figure.key: row for stage in stages for row in stage.rows}
    assert (rows["proactive.sent"].bar_x, rows["proactive.sent"].bar_width) == (0, 100)
    assert (rows["proactive.opened"].bar_x, rows["proactive.opened"].bar_width) == (37.5, 25)
    assert rows["proactive.opened"].note == "25.0% of delivered"
    assert rows["sessions.self_serve_tried"].bar_width == 25
    assert rows["sessions.self_serve_resolved"].bar_width == charts.SMALLEST_VISIBLE_BAR  # small, not gone
    assert rows["sessions.self_serve_resolved"].note == "1.0% of those who tried"
    assert rows["sessions.total"].note == "by 1 person"
    assert [stage.css for stage in stages] == ["proactive", "seeking", "self-serve", "human", "stopped"]


def test_one_slice_fills_the_donut_and_a_full_rate_fills_the_gauge():
    whole = make_figure("a", "A", 12, 3, Kind.COUNT, Better.EITHER)
    none = make_figure("b", "B", 0, 0, Kind.COUNT, Better.EITHER)
    donut = charts.donut_chart([(whole, "A", "a"), (none, "B", "b")])
    first, second = donut.slices
    assert first.share_text == "100.0%" and second.share_text == "0.0%"
    length, rest = (float(part) for part in first.dash.split())
    assert rest == pytest.approx(0, abs=0.01) and length > 0
    full = charts.gauge(make_figure("r", "R", 1.0, 0.5, Kind.RATE, Better.HIGHER), "R", "")
    assert full.value_path.endswith(f"{charts.GAUGE_WIDTH / 2 + charts.GAUGE_RADIUS:.2f} {full.centre_y:.2f}")
