"""The report out: `concierge report support` (json, csv, text) and GET /api/v1/reports/support."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from concierge.reports.selectors import support_report
from tests.events.test_import import EXAMPLE
from tests.reports.logs import import_objects


def run_report(*args) -> str:
    out = io.StringIO()
    call_command("report", "support", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def example(workspace):
    import_objects(workspace, EXAMPLE)
    return workspace


def test_json_prints_exactly_the_report_and_nothing_else(example):
    out = run_report("--workspace", "acme", "--from", "2026-03-01", "--to", "2026-03-15", "--format", "json")
    assert json.loads(out) == support_report(example, date(2026, 3, 1), date(2026, 3, 15))
    assert list(json.loads(out)) == ["timezone", "current", "previous"]


def test_filters_narrow_the_proactive_figures(example):
    args = ("--workspace", "acme", "--from", "2026-03-01", "--to", "2026-03-15", "--format", "json")
    assert json.loads(run_report(*args, "--tag", "outage"))["current"]["proactive"]["sent"] == 1
    assert json.loads(run_report(*args, "--tag", "billing"))["current"]["proactive"]["sent"] == 0
    assert (
        json.loads(run_report(*args, "--content-type", "banner", "--sender", "t1"))["current"]["proactive"][
            "sent"
        ]
        == 1
    )
    assert json.loads(run_report(*args, "--sender", "t9"))["current"]["sessions"]["total"] == 1


def test_csv_has_each_figure_for_both_periods(example):
    out = run_report("--workspace", "acme", "--from", "2026-03-01", "--to", "2026-03-15", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["figure", "current", "previous"]
    figures = {row[0]: row[1:] for row in rows[1:]}
    assert figures["start"] == ["2026-03-01T00:00:00-05:00", "2026-02-14T00:00:00-05:00"]
    assert figures["sessions.human_after_self_serve"] == ["1", "0"]
    assert figures["human_support.after_self_serve.median_first_response_seconds"] == ["900.0", ""]
    assert figures["rates.automated_resolution"] == ["", ""]


def test_text_is_a_readable_summary(example):
    out = run_report("--workspace", "acme", "--from", "2026-03-01", "--to", "2026-03-15")
    assert "Support funnel — Acme Support (America/New_York)" in out
    assert "Human support after self-serve" in out
    assert "15 min" in out  # the median first response


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--workspace", "acme", "--from", "2026-03-15", "--to", "2026-03-01"),
            r"--from \(2026-03-15\) is after --to",
        ),
        (
            ("--workspace", "nope", "--from", "2026-03-01", "--to", "2026-03-15"),
            "No workspace with slug 'nope'",
        ),
        (
            ("--workspace", "acme", "--from", "2026-02-30", "--to", "2026-03-15"),
            "not a real date: '2026-02-30'",
        ),
        (("--workspace", "acme", "--from", "1 March", "--to", "2026-03-15"), "must be a date as YYYY-MM-DD"),
    ],
)
def test_bad_requests_are_clear_errors(workspace, args, message):
    with pytest.raises(CommandError, match=message):
        run_report(*args)


def test_the_api_returns_the_same_json(example, api):
    response = api.get("/reports/support", **{"from": "2026-03-01", "to": "2026-03-15", "tag": "outage"})
    assert response.status_code == 200, response.content
    assert response.json() == support_report(example, date(2026, 3, 1), date(2026, 3, 15), tag="outage")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-03-15", "to": "2026-03-01"}, "'from' (2026-03-15) is after 'to' (2026-03-01)."),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "'from' is not a real date"),
        ({"from": "2026-03-01"}, "to"),
    ],
)
def test_the_api_answers_bad_periods_with_a_422(example, api, params, message):
    response = api.get("/reports/support", **params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_the_api_reports_only_the_keys_workspace(example, other_api):
    response = other_api.get("/reports/support", **{"from": "2026-03-01", "to": "2026-03-15"})
    assert response.json()["current"]["sessions"]["total"] == 0
    assert response.json()["timezone"] == "Europe/Belgrade"
