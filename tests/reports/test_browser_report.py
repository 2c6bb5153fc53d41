"""A teammate in a real Chromium opens Reports → Support funnel, sees the charts, switches the period to a
preset and to custom dates, and follows a figure to the list behind it."""

import json
import re

import pytest

from concierge.events.services.importing import import_log
from tests.conftest import PASSWORD


def support_log(today_iso: str) -> list[str]:
    """Three sessions on the workspace's today: one resolved by an article, one supported by a teammate,
    one that stopped; and a proactive message, opened."""
    at = f"{today_iso}T"

    def event(type_, time, contact, **fields):
        return json.dumps({"type": type_, "at": f"{at}{time}-05:00", "contact": contact, **fields})

    return [
        json.dumps({"type": "contact", "id": "c1", "name": "Casey One"}),
        json.dumps({"type": "outbound_message", "id": "m1", "content_type": "banner", "tags": ["outage"]}),
        event("outbound.sent", "00:10:00", "c1", message="m1"),
        event("outbound.opened", "00:11:00", "c1", message="m1"),
        event("help_center.visited", "00:20:00", "c1", channel="help_center"),
        event("article.viewed", "00:21:00", "c1", channel="help_center", article="a1"),
        event("conversation.started", "00:30:00", "c2", conversation="k1", channel="messenger"),
        event("conversation.replied", "00:45:00", "c2", conversation="k1", author="teammate", teammate="t1"),
        event("help_center.visited", "00:40:00", "c3", channel="help_center"),
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_open_the_report_switch_the_period_and_see_the_charts(page, live_server, workspace, owner):
    from concierge.reports.forms import workspace_today

    today = workspace_today(workspace)
    assert not import_log(workspace, support_log(today.isoformat())).rejected

    page.goto(f"{live_server.url}/w/acme/reports/support/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/acme/reports/support/$"))

    # The default: the last 30 days, with the funnel, the split and the gauges drawn.
    assert page.get_by_role("link", name="Last 30 days").get_attribute("aria-current") == "true"
    funnel = page.locator(".funnel")
    assert "Support sessions" in funnel.inner_text()
    sessions_row = page.locator(".funnel-stage.stage-seeking .funnel-row")
    assert sessions_row.locator(".row-value").inner_text() == "3"
    assert sessions_row.locator("svg.row-bar rect.bar").get_attribute("width") == "100.00"
    assert page.locator("svg.donut-chart .donut-slice").count() == 2
    assert page.locator("svg.gauge-chart").count() == 3
    assert page.locator(".gauge-number").first.text_content() == "50.0%"

    page.get_by_role("link", name="Last 7 days").click()
    page.wait_for_url(re.compile(r"period=7"))
    assert page.get_by_role("link", name="Last 7 days").get_attribute("aria-current") == "true"
    assert "compared with the 7 days before" in page.locator("#period-summary").inner_text()
    assert page.locator(".funnel-stage.stage-seeking .row-value").inner_text() == "3"

    # Custom dates: a period without activity draws empty bars and says so in words.
    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2020-01-31")
    page.get_by_role("button", name="Show these dates").click()
    page.wait_for_url(re.compile(r"from=2020-01-01"))
    assert "Jan 1" in page.locator("#period-summary").inner_text()
    assert page.locator(".funnel-stage.stage-seeking .row-value").inner_text() == "0"
    assert page.locator(".gauge-number").first.text_content() == "—"

    # Back to a preset, then from a figure to the list behind it.
    page.get_by_role("link", name="Last 90 days").click()
    page.wait_for_url(re.compile(r"period=90"))
    page.locator(".funnel-stage.stage-stopped a.funnel-row-inner").click()
    page.wait_for_url(re.compile(r"/support/sessions/\?.*status=stopped"))
    assert page.get_by_role("heading", level=1).inner_text() == "Sessions that stopped seeking support"
    assert page.locator("table.data-table tbody tr").count() == 1
