"""Reports → Support funnel: the page, the lists behind its figures and the CSV downloads, over a small
imported log in a workspace in New York, seen by a teammate in Belgrade."""

import csv
import io
import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from concierge.contacts.services import create_contact
from concierge.events.services.importing import import_log
from tests.conftest import PASSWORD

PERIOD = {"from": "2026-03-02", "to": "2026-03-08"}  # previous period: Feb 23 – Mar 1
DASH = "\u2009–\u2009"  # how Babel writes a range of dates in English


def import_events(workspace, *objects):
    summary = import_log(workspace, [json.dumps(obj) for obj in objects])
    assert not summary.rejected, summary.bad_lines
    return summary


def event(type_, at, contact, **fields):
    return {"type": type_, "at": at, "contact": contact, **fields}


@pytest.fixture
def funnel_log(workspace):
    """Four sessions this period (one of each status), one stopped session in the previous one, and two
    proactive messages, one of them opened."""
    import_events(
        workspace,
        {"type": "contact", "id": "c1", "name": "Casey One"},
        {"type": "contact", "id": "c2", "name": "Dana Two"},
        {"type": "contact", "id": "c3", "name": "Eli Three"},
        {"type": "contact", "id": "c4", "name": "Fay Four"},
        {"type": "contact", "id": "c5", "name": "Gus Five"},
        {
            "type": "outbound_message",
            "id": "m1",
            "content_type": "banner",
            "sender": "t1",
            "tags": ["outage"],
        },
        {
            "type": "outbound_message",
            "id": "m2",
            "content_type": "chat",
            "sender": "t2",
            "tags": ["onboarding"],
        },
        event("outbound.sent", "2026-03-02T08:00:00Z", "c1", message="m1"),
        event("outbound.opened", "2026-03-02T09:00:00Z", "c1", message="m1"),
        event("outbound.sent", "2026-03-03T08:00:00Z", "c2", message="m2"),
        # c1: an article, then a teammate — replied after 15 min, closed after 2 h 15 min, rated 5.
        event("help_center.visited", "2026-03-02T14:00:00Z", "c1", channel="help_center"),
        event("article.viewed", "2026-03-02T14:01:00Z", "c1", channel="help_center", article="a1"),
        event("conversation.started", "2026-03-02T14:05:00Z", "c1", conversation="k1", channel="messenger"),
        event(
            "conversation.replied",
            "2026-03-02T14:20:00Z",
            "c1",
            conversation="k1",
            author="teammate",
            teammate="t1",
        ),
        event("conversation.closed", "2026-03-02T16:20:00Z", "c1", conversation="k1", by="teammate"),
        event("conversation.rated", "2026-03-02T16:30:00Z", "c1", conversation="k1", rating=5),
        # c2: straight to a teammate, still open.
        event("conversation.started", "2026-03-03T15:00:00Z", "c2", conversation="k2", channel="messenger"),
        event(
            "conversation.replied",
            "2026-03-03T15:30:00Z",
            "c2",
            conversation="k2",
            author="teammate",
            teammate="t2",
        ),
        # c3: an article was enough. c4: only looked around. c5 (previous period): the same.
        event("help_center.visited", "2026-03-04T10:00:00Z", "c3", channel="help_center"),
        event("article.viewed", "2026-03-04T10:02:00Z", "c3", channel="help_center", article="a2"),
        event("help_center.visited", "2026-03-05T10:00:00Z", "c4", channel="help_center"),
        event("help_center.visited", "2026-02-25T10:00:00Z", "c5", channel="help_center"),
    )
    return workspace


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent.user)
    return client


def report_url(name="support-report", slug="acme"):
    return reverse(f"web:{name}", args=[slug])


def test_the_page_draws_the_funnel_for_the_period_with_changes_and_the_zones_named(agent_client, funnel_log):
    response = agent_client.get(report_url(), PERIOD)
    page = response.content.decode()
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["sessions.total"].value == 4 and figures["sessions.total"].previous == 1
    assert figures["sessions.total"].change.arrow == "▲" and figures["sessions.total"].change.text == "300%"
    assert figures["sessions.stopped"].change.text == "no change"
    assert [figures[f"sessions.{s}"].value for s in ("stopped", "self_serve_resolved")] == [1, 1]
    assert figures["human_support.sessions"].value == 2
    assert (figures["proactive.sent"].value, figures["proactive.opened"].value) == (2, 1)
    # The served-by-teammate comparison, durations as a person says them.
    assert figures["human_support.after_self_serve.median_time_to_close_seconds"].text == "2 h 15 min"
    assert figures["human_support.after_self_serve.median_first_response_seconds"].text == "15 min"
    assert figures["human_support.after_self_serve.rating_average"].text == "5.00 / 5"
    assert figures["human_support.from_start.median_first_response_seconds"].text == "30 min"
    assert figures["rates.self_serve_resolution"].text == "33.3%"
    # Charts drawn by the page itself, with their figures in words.
    assert page.count('class="row-bar"') == 11 and 'class="chart donut-chart"' in page
    assert page.count('class="chart gauge-chart"') == 3
    assert f"Mar 2{DASH}8, 2026" in page and f"Feb 23{DASH}Mar 1, 2026" in page
    assert "New York time" in page and "Belgrade time" in page
    assert "None" not in page


def test_each_figure_links_to_the_list_behind_it(agent_client, funnel_log):
    response = agent_client.get(report_url(), {**PERIOD, "tag": "outage"})
    page = response.content.decode()
    figures = response.context["figures"]
    stopped = f"{report_url('support-report-sessions')}?from=2026-03-02&amp;to=2026-03-08&amp;status=stopped"
    assert stopped in page
    assert figures["proactive.opened"].href == (
        f"{report_url('support-report-sends')}?from=2026-03-02&to=2026-03-08&tag=outage&engagement=opened"
    )
    assert figures["human_support.from_start.conversations"].href.endswith("group=from_start")
    assert figures["rates.automated_resolution"].href.endswith("status=bot_resolved")

    listed = agent_client.get(figures["sessions.stopped"].href)
    assert listed.status_code == 200
    assert [s.contact.name for s in listed.context["page"].object_list] == ["Fay Four"]
    assert listed.context["title"] == "Sessions that stopped seeking support"


def test_the_proactive_filters_narrow_only_the_proactive_figures_and_are_kept_in_links(
    agent_client, funnel_log
):
    response = agent_client.get(report_url(), {**PERIOD, "tag": "outage"})
    figures = response.context["figures"]
    assert figures["proactive.sent"].value == 1 and figures["sessions.total"].value == 4
    page = response.content.decode()
    assert "tag=outage" in response.context["figures_csv_url"]
    assert 'name="tag" value="outage"' in page
    for preset in response.context["presets"]:
        assert "tag=outage" in preset["href"]
    by_type = agent_client.get(report_url(), {**PERIOD, "content_type": "chat", "sender": "t2"})
    assert by_type.context["figures"]["proactive.sent"].value == 1
    nobody = agent_client.get(report_url(), {**PERIOD, "sender": "nobody"})
    assert nobody.context["figures"]["proactive.sent"].value == 0


def test_presets_count_days_in_the_workspaces_zone_and_the_default_is_30_days(agent_client, workspace):
    today = timezone.now().astimezone(ZoneInfo("America/New_York")).date()
    for query, days in (({"period": "7"}, 7), ({"period": "90"}, 90), ({}, 30)):
        response = agent_client.get(report_url(), query)
        assert response.status_code == 200
        period = response.context["period"]
        assert (period.date_from, period.date_to) == (today - timedelta(days=days - 1), today)
    current = [
        p["label"]
        for p in agent_client.get(report_url(), {"period": "90"}).context["presets"]
        if p["current"]
    ]
    assert current == ["Last 90 days"]


def test_missing_figures_read_as_a_dash_with_the_reason(agent_client, workspace):
    response = agent_client.get(report_url(), PERIOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"]["rates.automated_resolution"].text == "—"
    assert "No automated answers were delivered" in page
    assert "no teammate replies" in page and "no ratings" in page
    assert "None" not in page and "nan" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03-08", "to": "2026-03-02"}, "ends (2026-03-02) before it starts (2026-03-08)"),
        ({"from": "2026-02-30", "to": "2026-03-02"}, "Enter a real date"),
        ({"period": "custom", "from": "2026-03-02"}, "Choose the last day of the period"),
        ({"from": "yesterday", "to": "2026-03-02"}, "Enter a real date"),
        ({"period": "13"}, "Select a valid choice"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "Choose a date from 1970"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "at most 5 years"),
    ],
)
def test_bad_period_input_is_a_form_error_not_a_500(agent_client, workspace, query, message):
    response = agent_client.get(report_url(), query)
    page = response.content.decode()
    assert response.status_code == 422
    assert message in page and 'role="alert"' in page
    assert "figures" not in response.context or not response.context["figures"]
    for name in ("support-report-sessions", "support-report-figures-csv", "support-report-conversations-csv"):
        refused = agent_client.get(report_url(name), query)
        assert refused.status_code == 422 and message in refused.content.decode()


def test_a_list_refuses_a_choice_it_does_not_have(agent_client, workspace):
    response = agent_client.get(report_url("support-report-sessions"), {**PERIOD, "status": "happy"})
    assert response.status_code == 422 and "is not a list this report has" in response.content.decode()
    response = agent_client.get(report_url("support-report-sends"), {**PERIOD, "engagement": "liked"})
    assert response.status_code == 422


def test_another_workspaces_teammate_gets_404_and_a_stranger_the_sign_in(client, funnel_log, other_workspace):
    names = [
        "support-report",
        "support-report-sessions",
        "support-report-conversations",
        "support-report-sends",
        "support-report-figures-csv",
        "support-report-conversations-csv",
    ]
    for name in names:
        assert client.get(report_url(name), PERIOD).status_code == 302
    assert client.login(username="owner@globex.test", password=PASSWORD)
    for name in names:
        response = client.get(report_url(name), PERIOD)
        assert response.status_code == 404, name
        assert b"Casey One" not in response.content
    own = client.get(report_url("support-report", slug="globex"), PERIOD)
    assert own.status_code == 200 and own.context["figures"]["sessions.total"].value == 0


def test_conversations_list_shows_the_facts_with_times_in_the_teammates_zone(agent_client, funnel_log):
    response = agent_client.get(
        report_url("support-report-conversations"), {**PERIOD, "group": "after_self_serve"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert [c.conversation_ref for c in response.context["page"].object_list] == ["k1"]
    # 14:05 UTC is 15:05 in Belgrade.
    assert "Mar 2, 2026, 3:05\u202fPM" in page or "Mar 2, 2026, 3:05 PM" in page
    assert "Belgrade time" in page and "2 h 15 min" in page and "5 / 5" in page
    all_of_them = agent_client.get(report_url("support-report-conversations"), PERIOD)
    assert [c.conversation_ref for c in all_of_them.context["page"].object_list] == ["k1", "k2"]


def test_sends_list_keeps_the_filters_and_shows_engagement(agent_client, funnel_log):
    response = agent_client.get(report_url("support-report-sends"), {**PERIOD, "engagement": "opened"})
    assert [s.contact.name for s in response.context["page"].object_list] == ["Casey One"]
    filtered = agent_client.get(report_url("support-report-sends"), {**PERIOD, "tag": "onboarding"})
    assert [s.message_ref for s in filtered.context["page"].object_list] == ["m2"]
    assert "tag=onboarding" in filtered.context["back_url"]


def test_long_lists_are_paged(agent_client, workspace):
    for number in range(55):
        create_contact(workspace, external_id=f"p{number:02}")
    import_events(
        workspace,
        *(
            event(
                "help_center.visited",
                f"2026-03-03T{10 + number // 60:02}:{number % 60:02}:00Z",
                f"p{number:02}",
                channel="help_center",
            )
            for number in range(55)
        ),
    )
    first = agent_client.get(report_url("support-report-sessions"), {**PERIOD, "status": "stopped"})
    second = agent_client.get(
        report_url("support-report-sessions"), {**PERIOD, "status": "stopped", "page": "2"}
    )
    assert len(first.context["page"].object_list) == 50 and len(second.context["page"].object_list) == 5
    assert "Page 2 of 2" in second.content.decode()
    assert "status=stopped" in first.context["list_query"]


def test_figures_csv_keeps_the_period_and_filters(agent_client, funnel_log):
    response = agent_client.get(report_url("support-report-figures-csv"), {**PERIOD, "tag": "outage"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        (response["Content-Disposition"])
        == 'attachment; filename="acme-support-figures-2026-03-02-to-2026-03-08.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "current", "previous"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["sessions.total"] == ["4", "1"]
    assert by_name["proactive.sent"] == ["1", "0"]
    assert by_name["rates.automated_resolution"] == ["", ""]


def test_conversations_csv_lists_the_per_conversation_facts(agent_client, funnel_log):
    response = agent_client.get(report_url("support-report-conversations-csv"), PERIOD)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["conversation"] for row in rows] == ["k1", "k2"]
    first = rows[0]
    assert first["rating"] == "5" and first["session_status"] == "human_after_self_serve"
    assert first["started_at"].startswith("2026-03-02T09:05:00-05:00")
    assert rows[1]["closed_at"] == "" and rows[1]["session_status"] == "human_from_start"


def test_the_csv_links_on_the_page_keep_period_and_filters(agent_client, funnel_log):
    response = agent_client.get(report_url(), {**PERIOD, "sender": "t1"})
    assert response.context["figures_csv_url"] == (
        f"{report_url('support-report-figures-csv')}?from=2026-03-02&to=2026-03-08&sender=t1"
    )
    assert response.context["conversations_csv_url"] == (
        f"{report_url('support-report-conversations-csv')}?from=2026-03-02&to=2026-03-08"
    )


def test_the_navigation_leads_to_the_report(agent_client, workspace):
    page = agent_client.get(reverse("web:contacts", args=["acme"])).content.decode()
    assert f'href="{report_url()}"' in page


def test_the_previous_period_is_the_same_number_of_days_before(agent_client, workspace):
    response = agent_client.get(report_url(), {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.context["previous_text"] == f"Jan 29{DASH}Feb 28, 2026"
    assert response.context["period"].days == 31
    assert response.context["period"].date_from == date(2026, 3, 1)


def test_each_drill_down_row_links_to_its_conversation_and_contact(agent_client, workspace):
    from concierge.conversations.services import start_conversation

    contact = create_contact(workspace, external_id="u-links", name="Lee Links", email="lee@customer.test")
    at = timezone.now() - timedelta(hours=2)
    conversation = start_conversation(workspace, contact=contact, body="Where is my invoice?", at=at)
    day = at.astimezone(ZoneInfo("America/New_York")).date().isoformat()
    conversation_link = f'<a href="/w/acme/inbox/{conversation.pk}/"><code>{conversation.ref}</code></a>'
    contact_link = f'<a href="/w/acme/contacts/{contact.pk}/">'
    for name in ("support-report-conversations", "support-report-sessions"):
        page = agent_client.get(report_url(name), {"from": day, "to": day}).content.decode()
        assert conversation_link in page, name
        assert contact_link in page, name


def test_a_conversation_only_in_an_imported_log_is_named_without_a_link(agent_client, funnel_log):
    page = agent_client.get(report_url("support-report-conversations"), PERIOD).content.decode()
    assert '<code title="Not in this inbox: the conversation came with an imported log">k1</code>' in page
    sessions = agent_client.get(report_url("support-report-sessions"), PERIOD).content.decode()
    assert '<code title="Not in this inbox: the conversation came with an imported log">k1</code>' in sessions


def test_the_filter_panel_says_it_narrows_proactive_messages_only(agent_client, funnel_log):
    page = agent_client.get(report_url(), PERIOD).content.decode()
    assert "Filter proactive messages" in page
    assert "These filters narrow the proactive messages only." in page
