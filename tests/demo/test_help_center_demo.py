"""The demo's help center: its articles in two languages, imported through the folder import, and
two months of readers made through the reading services."""

from collections import Counter
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from concierge.demo.articles import SEARCHES, SEARCHES_ES, TYPOS, UNANSWERED, open_help_center
from concierge.demo.seed import seed_demo_workspace
from concierge.events.models import Event
from concierge.helpcenter.models import (
    ArticleDailyViews,
    ArticleReaction,
    ArticleTranslation,
    UnansweredSearch,
)
from concierge.helpcenter.selectors.public import search_public_articles
from concierge.reports.selectors import support_report

SMALL = {"contacts": 25, "conversations": 30, "sessions": 6}


def test_the_demo_help_center_has_articles_in_two_languages_and_a_history_of_readers(db):
    workspace = seed_demo_workspace(**SMALL).workspace

    translations = ArticleTranslation.objects.filter(workspace=workspace, state="published")
    by_locale = Counter(translations.values_list("locale", flat=True))
    assert by_locale["en"] >= 20 and by_locale["es"] >= 8 and sum(by_locale.values()) >= 25
    spanish = translations.filter(locale="es").select_related("article")
    assert all(t.article.translations.filter(locale="en").exists() for t in spanish)  # linked, not separate
    assert workspace.help_collections.order_by("position").first().slug == "getting-started"

    events = Counter(Event.objects.filter(workspace=workspace).values_list("type", flat=True))
    assert events["help_center.visited"] >= SMALL["contacts"]
    assert events["article.viewed"] == sum(
        ArticleDailyViews.objects.filter(workspace=workspace).values_list("views", flat=True)
    )
    assert events["article.searched"] > 0 and events["article.reacted"] > 0
    queries = {
        data["query"]
        for data in Event.objects.filter(workspace=workspace, type="article.searched").values_list(
            "data", flat=True
        )
    }
    assert {"exprot", "pasword reset", "facturs"} <= queries  # typos, corrected by the help center
    assert UnansweredSearch.objects.filter(workspace=workspace).exists()
    assert ArticleReaction.objects.filter(workspace=workspace).exists()

    today = timezone.now().astimezone(timezone.get_default_timezone()).date()
    sessions = support_report(workspace, today - timedelta(days=60), today)["current"]["sessions"]
    assert sessions["self_serve_resolved"] > 0 and sessions["human_after_self_serve"] > 0


def test_the_demo_help_center_is_public(db):
    seed_demo_workspace(**SMALL)
    reader = Client(headers={"user-agent": "Mozilla/5.0 Chrome/126.0"})
    assert reader.get("/help/acme/", headers={"accept-language": "es"})["Location"] == "/help/acme/es/"
    home = reader.get("/help/acme/en/").content.decode()
    assert "Getting started" in home and "Reset your password" in home
    assert "Showing results for" in reader.get("/help/acme/en/search/", {"q": "pasword"}).content.decode()


def test_the_demos_typos_find_their_article(db):
    seed_demo_workspace(**SMALL)
    typos = Event.objects.filter(type="article.searched", data__query__in=list(TYPOS))
    assert typos.count() == len(TYPOS)
    assert not UnansweredSearch.objects.filter(query__in=list(TYPOS)).exists()


def test_every_search_the_demo_readers_make_finds_their_article_or_nothing_on_purpose(workspace, owner):
    open_help_center(workspace, owner, timezone.now())
    missed = [
        (locale, query)
        for searches, locale in ((SEARCHES, "en"), (SEARCHES_ES, "es"))
        for slug, queries in searches.items()
        for query in queries
        if slug
        not in [f.translation.article.slug for f in search_public_articles(workspace, locale, query).found]
    ]
    assert missed == [], missed
    assert [query for query in UNANSWERED if search_public_articles(workspace, "en", query).found] == []
