"""The lists behind each figure (for the page's drill-down) and the CSV exports."""

import csv
import io
from datetime import date

import pytest

from concierge.core.errors import InvalidInput
from concierge.reports.selectors import (
    conversations_in_period,
    sends_in_period,
    sessions_in_period,
    support_report,
    write_conversations_csv,
    write_figures_csv,
)
from tests.reports.logs import event, import_objects

MARCH_2 = date(2026, 3, 2)
LOG = [
    {"type": "outbound_message", "id": "m1", "tags": ["outage"]},
    event("outbound.sent", "2026-03-02T14:00:00", "c1", message="m1"),
    event("outbound.opened", "2026-03-02T14:10:00", "c1", message="m1"),
    event("outbound.sent", "2026-03-02T14:00:00", "c2", message="m2"),
    event("help_center.visited", "2026-03-02T15:00:00", "c1"),  # stopped
    event("article.viewed", "2026-03-02T15:00:00", "c2"),  # resolved by self-serve
    event("article.viewed", "2026-03-02T15:00:00", "c3"),
    event("conversation.started", "2026-03-02T15:05:00", "c3", conversation="k3"),  # human after self-serve
    event("conversation.replied", "2026-03-02T15:20:00", "c3", conversation="k3"),
    event("conversation.closed", "2026-03-02T16:05:00", "c3", conversation="k3", by="teammate"),
    event("conversation.rated", "2026-03-02T17:00:00", "c3", conversation="k3", rating=2),
    event("conversation.started", "2026-03-02T15:05:00", "c4", conversation="k4"),  # from the start
    event("bot.answered", "2026-03-02T15:06:00", "c5", conversation="k5"),
    event("conversation.started", "2026-03-02T15:05:00", "c5", conversation="k5"),  # bot-resolved
    event("conversation.closed", "2026-03-02T15:07:00", "c5", conversation="k5", by="bot"),
]


@pytest.fixture
def funnel(workspace):
    import_objects(workspace, LOG)
    return workspace


def test_sessions_by_status(funnel):
    def contacts(status=None):
        return [s.contact.external_id for s in sessions_in_period(funnel, MARCH_2, MARCH_2, status)]

    assert contacts() == ["c1", "c2", "c3", "c4", "c5"]
    assert contacts("stopped") == ["c1"]
    assert contacts("self_serve_resolved") == ["c2", "c5"]
    assert contacts("self_serve_tried") == ["c2", "c3", "c5"]
    assert contacts("human_after_self_serve") == ["c3"]
    assert contacts("human_from_start") == ["c4"]
    assert contacts("bot_answered") == contacts("bot_resolved") == ["c5"]
    session = sessions_in_period(funnel, MARCH_2, MARCH_2, "stopped")[0]
    assert (session.start.isoformat(), session.status) == ("2026-03-02T15:00:00+00:00", "stopped")
    with pytest.raises(InvalidInput, match="status 'lost'"):
        sessions_in_period(funnel, MARCH_2, MARCH_2, "lost")


def test_conversations_with_their_facts(funnel):
    every = {c.conversation_ref: c for c in conversations_in_period(funnel, MARCH_2, MARCH_2)}
    assert sorted(every) == ["k3", "k4", "k5"]
    k3 = every["k3"]
    assert (k3.contact.external_id, k3.rating, k3.session_status) == ("c3", 2, "human_after_self_serve")
    assert (k3.first_response_seconds, k3.time_to_close_seconds) == (900.0, 3600.0)
    assert k3.closed_at.isoformat() == "2026-03-02T16:05:00+00:00"
    assert every["k4"].closed_at is None and every["k4"].first_response_at is None

    def refs(group):
        return [c.conversation_ref for c in conversations_in_period(funnel, MARCH_2, MARCH_2, group)]

    assert refs("human_supported") == ["k3", "k4"]
    assert refs("after_self_serve") == ["k3"]
    assert refs("from_start") == ["k4"]
    assert refs("bot_resolved") == ["k5"]
    with pytest.raises(InvalidInput):
        refs("everyone")


def test_sends_with_filters_and_engagement(funnel):
    assert [s.contact.external_id for s in sends_in_period(funnel, MARCH_2, MARCH_2)] == ["c1", "c2"]
    assert [s.message_ref for s in sends_in_period(funnel, MARCH_2, MARCH_2, tag="outage")] == ["m1"]
    assert [s.message_ref for s in sends_in_period(funnel, MARCH_2, MARCH_2, engagement="opened")] == ["m1"]


def test_figures_csv_matches_the_report(funnel):
    report = support_report(funnel, MARCH_2, MARCH_2)
    out = io.StringIO()
    write_figures_csv(report, out)
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(out.getvalue()))}
    assert rows["sessions.total"] == ["5", "0"]
    assert rows["people_seeking_support"] == ["5", "0"]
    assert rows["rates.self_serve_resolution"] == ["0.5", ""]


def test_conversations_csv_has_the_facts_in_the_workspace_zone(funnel):
    out = io.StringIO()
    write_conversations_csv(funnel, MARCH_2, MARCH_2, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["conversation"] for row in rows] == ["k3", "k4", "k5"]
    assert rows[0] == {
        "conversation": "k3",
        "contact": "c3",
        "started_at": "2026-03-02T10:05:00-05:00",
        "first_response_at": "2026-03-02T10:20:00-05:00",
        "closed_at": "2026-03-02T11:05:00-05:00",
        "rating": "2",
        "session_start": "2026-03-02T10:00:00-05:00",
        "session_status": "human_after_self_serve",
        "human_supported": "true",
        "bot_resolved": "false",
        "first_response_seconds": "900.0",
        "time_to_close_seconds": "3600.0",
    }
