"""What readers do: each records its event in the log, in the change's transaction; the funnel
report counts it as self-serve with no import."""

from datetime import date, timedelta

import pytest

from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput
from concierge.events.models import Event
from concierge.helpcenter.models import ArticleDailyViews, ArticleReaction, UnansweredSearch
from concierge.helpcenter.services.reading import (
    react_to_article,
    record_article_search,
    record_article_view,
    record_help_center_visit,
    talk_to_us_about_article,
)
from concierge.helpcenter.services.writing import create_article
from concierge.reports.selectors import support_report
from tests.helpcenter.reading_setup import AT, export_article, new_lead


@pytest.fixture
def article(workspace):
    return export_article(workspace)


@pytest.fixture
def lead(workspace):
    return new_lead(workspace)


def events_of(contact, type_):
    return list(Event.objects.filter(contact=contact, type=type_).order_by("at", "id"))


def test_a_visit_is_recorded_once_per_thirty_minutes_of_activity(workspace, lead, article):
    record_help_center_visit(workspace, lead, at=AT)
    record_help_center_visit(workspace, lead, at=AT + timedelta(minutes=10))
    record_article_view(article, lead, at=AT + timedelta(minutes=35))
    record_help_center_visit(workspace, lead, at=AT + timedelta(minutes=50))  # active 15 minutes ago
    record_help_center_visit(workspace, lead, at=AT + timedelta(minutes=81))  # 31 minutes of quiet

    visits = events_of(lead, "help_center.visited")
    assert [event.at for event in visits] == [AT, AT + timedelta(minutes=81)]
    assert visits[0].data == {"channel": "help_center"}


def test_a_view_names_the_article_and_counts_in_its_day(workspace, lead, article):
    record_article_view(article, lead, at=AT)
    record_article_view(article, lead, at=AT + timedelta(hours=1))
    record_article_view(article, lead, at=AT + timedelta(days=1), channel="messenger")

    views = events_of(lead, "article.viewed")
    assert [event.data for event in views] == [
        {"channel": "help_center", "article": "export-csv"},
        {"channel": "help_center", "article": "export-csv"},
        {"channel": "messenger", "article": "export-csv"},
    ]
    assert dict(ArticleDailyViews.objects.filter(translation=article).values_list("day", "views")) == {
        date(2026, 3, 2): 2,
        date(2026, 3, 3): 1,
    }


def test_a_draft_is_not_read(workspace, lead):
    draft = create_article(workspace, slug="draft", locale="en", title="Draft", body="Soon", at=AT)
    with pytest.raises(InvalidInput):
        record_article_view(draft, lead, at=AT)
    assert not Event.objects.filter(contact=lead).exists()


def test_searches_are_recorded_and_those_that_found_nothing_counted_normalised(workspace, lead, contact):
    record_article_search(workspace, lead, "  Export   CSV ", locale="en", results=3, at=AT)
    record_article_search(workspace, lead, "Refund  Policy", locale="en", results=0, at=AT)
    record_article_search(
        workspace, contact, "refund policy ", locale="en", results=0, at=AT + timedelta(hours=2)
    )
    record_article_search(
        workspace, contact, "REFUND POLICY", locale="es", results=0, at=AT + timedelta(hours=3)
    )
    record_article_search(workspace, contact, "   ", locale="en", results=0, at=AT)  # not a search

    assert [event.data for event in events_of(lead, "article.searched")] == [
        {"channel": "help_center", "query": "Export CSV"},
        {"channel": "help_center", "query": "Refund Policy"},
    ]
    gaps = {
        (gap.locale, gap.query): (gap.searches, gap.first_at, gap.last_at)
        for gap in UnansweredSearch.objects.filter(workspace=workspace)
    }
    assert gaps == {
        ("en", "refund policy"): (2, AT, AT + timedelta(hours=2)),
        ("es", "refund policy"): (1, AT + timedelta(hours=3), AT + timedelta(hours=3)),
    }


@pytest.mark.parametrize(
    ("query", "locale", "results", "field"),
    [
        ("x" * 201, "en", 0, "q"),
        ("bad\x00query", "en", 0, "q"),
        ("fine", "xx-nowhere", 0, "locale"),
        ("fine", "en", -1, "results"),
    ],
)
def test_a_bad_search_is_refused_and_writes_nothing(workspace, lead, query, locale, results, field):
    with pytest.raises(InvalidInput) as refused:
        record_article_search(workspace, lead, query, locale=locale, results=results, at=AT)
    assert refused.value.field == field
    assert not Event.objects.filter(contact=lead).exists()
    assert not UnansweredSearch.objects.exists()


def test_a_reader_of_another_workspace_is_refused(workspace, article, other_contact):
    with pytest.raises(InvalidInput):
        record_article_view(article, other_contact, at=AT)
    with pytest.raises(InvalidInput):
        record_help_center_visit(workspace, other_contact, at=AT)


def test_one_reaction_per_reader_the_latest_replaces_it(workspace, lead, contact, article):
    react_to_article(article, lead, "disappointed", at=AT)
    react_to_article(article, lead, "happy", at=AT + timedelta(minutes=2))
    react_to_article(article, contact, "neutral", at=AT)

    reactions = dict(ArticleReaction.objects.filter(translation=article).values_list("contact", "reaction"))
    assert reactions == {lead.pk: "happy", contact.pk: "neutral"}
    assert [event.data["reaction"] for event in events_of(lead, "article.reacted")] == [
        "disappointed",
        "happy",
    ]
    with pytest.raises(InvalidInput):
        react_to_article(article, lead, "angry", at=AT)
    assert ArticleReaction.objects.get(translation=article, contact=lead).reaction == "happy"


def test_talk_to_us_starts_a_conversation_with_the_article_and_keeps_the_leads_email(
    workspace, lead, article
):
    conversation = talk_to_us_about_article(
        article, lead, message="The export never arrives.\nI waited an hour.", email="Lee@Example.com", at=AT
    )

    assert conversation.contact == lead and conversation.channel == Conversation.Channel.MESSENGER
    assert conversation.subject == "Export your conversations to CSV"
    first = conversation.parts.get()
    assert "<p>The export never arrives.</p><p>I waited an hour.</p>" in first.body
    assert 'href="/help/acme/en/articles/export-csv/"' in first.body
    assert "Export your conversations to CSV</a>" in first.body
    lead.refresh_from_db()
    assert lead.email == "lee@example.com"
    assert events_of(lead, "conversation.started")[0].data["channel"] == "messenger"


def test_talk_to_us_escapes_the_message_and_refuses_a_bad_email(workspace, lead, article):
    conversation = talk_to_us_about_article(article, lead, message="<script>alert(1)</script>", at=AT)
    assert "<script>" not in conversation.parts.get().body

    with pytest.raises(InvalidInput) as refused:
        talk_to_us_about_article(article, lead, message="Help", email="not-an-address", at=AT)
    assert refused.value.field == "email"
    with pytest.raises(InvalidInput) as refused:
        talk_to_us_about_article(article, lead, message="   ", at=AT)
    assert refused.value.field == "message"
    assert Conversation.objects.filter(contact=lead).count() == 1


def test_talk_to_us_leaves_a_users_own_address_alone(workspace, contact, article):
    talk_to_us_about_article(article, contact, message="Help", email="someone.else@example.com", at=AT)
    contact.refresh_from_db()
    assert contact.email == "casey@customer.test"


def test_the_funnel_report_counts_readers_as_self_serve(workspace, article):
    reader = new_lead(workspace, "hc_reader-who-read-000")
    asker = new_lead(workspace, "hc_reader-who-asked-00")
    record_help_center_visit(workspace, reader, at=AT)
    record_article_search(workspace, reader, "export", locale="en", results=1, at=AT + timedelta(minutes=1))
    record_article_view(article, reader, at=AT + timedelta(minutes=2))
    record_help_center_visit(workspace, asker, at=AT)
    record_article_view(article, asker, at=AT + timedelta(minutes=1))
    react_to_article(article, asker, "disappointed", at=AT + timedelta(minutes=3))
    talk_to_us_about_article(
        article, asker, message="It did not help", email="a@example.com", at=AT + timedelta(minutes=4)
    )

    sessions = support_report(workspace, date(2026, 3, 2), date(2026, 3, 2))["current"]["sessions"]
    assert sessions["total"] == 2
    assert sessions["self_serve_resolved"] == 1
    assert sessions["human_after_self_serve"] == 1
