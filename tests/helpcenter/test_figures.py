"""The teammates' figures page: views and reactions per article over a chosen period, and the
searches that found nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concierge.helpcenter.selectors.figures import article_figures, content_gaps
from concierge.helpcenter.services.reading import react_to_article, record_article_search, record_article_view
from concierge.helpcenter.services.writing import create_article
from tests.helpcenter.reading_setup import export_article, new_lead

URL = "/w/acme/articles/figures/"


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def read_articles(workspace, contact, now):
    export = export_article(workspace)
    invoices = create_article(
        workspace, slug="invoices", locale="en", title="Download invoices", body="x", state="published"
    )
    lead = new_lead(workspace)
    for days_ago in (0, 1, 1, 10, 40):
        record_article_view(export, lead, at=now - timedelta(days=days_ago))
    record_article_view(invoices, lead, at=now - timedelta(days=2))
    react_to_article(export, lead, "happy", at=now)
    react_to_article(export, contact, "disappointed", at=now)
    for query in ("refund policy", "Refund Policy", "dark mode"):
        record_article_search(workspace, lead, query, locale="en", results=0, at=now - timedelta(days=1))
    record_article_search(
        workspace, lead, "old question", locale="en", results=0, at=now - timedelta(days=60)
    )
    return export, invoices


def test_views_per_article_over_the_period_and_the_last_seven_days(workspace, read_articles, now):
    export, invoices = read_articles
    figures = article_figures(workspace, days=30, today=now.date())
    assert [(f.slug, f.views_recent, f.views) for f in figures] == [("export-csv", 3, 4), ("invoices", 1, 1)]
    first = figures[0]
    assert first.title == "Export your conversations to CSV" and first.locales == ["en", "es"]
    assert first.daily[-1] == 1 and first.daily[-2] == 2 and len(first.daily) == 30
    assert first.reactions == {"disappointed": 1, "neutral": 0, "happy": 1}
    assert first.share("happy") == 0.5
    assert [f.views for f in article_figures(workspace, days=90, today=now.date())] == [5, 1]


def test_content_gaps_most_frequent_first_within_the_period(workspace, read_articles, now):
    gaps = content_gaps(workspace, days=30, today=now.date())
    assert [(gap.query, gap.searches) for gap in gaps] == [("refund policy", 2), ("dark mode", 1)]
    assert [gap.query for gap in content_gaps(workspace, days=90, today=now.date())][-1] == "old question"


def test_the_page_shows_the_figures_to_a_teammate(client, agent, read_articles):
    client.force_login(agent.user)
    page = client.get(URL, {"days": "7"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Export your conversations to CSV" in text and "Download invoices" in text
    assert '<polyline class="spark-line"' in text and 'class="share-happy"' in text
    assert "😃 50% of 2" in text
    assert "<td>refund policy</td>" in text and "old question" not in text


def test_a_bad_period_says_what_is_wrong(client, agent, read_articles):
    client.force_login(agent.user)
    page = client.get(URL, {"days": "12"})
    assert page.status_code == 400
    assert "days must be one of 7, 30, 90" in page.content.decode()


def test_the_page_is_for_the_workspaces_teammates_only(client, read_articles, other_workspace):
    assert client.get(URL).status_code in (302, 403)
    client.force_login(other_workspace.teammates.get().user)
    assert client.get(URL).status_code in (403, 404)
