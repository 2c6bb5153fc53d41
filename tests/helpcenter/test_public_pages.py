"""The public help center's pages: languages, articles, search, reactions, talk to us, sitemap, and
nothing shown that a visitor may not read."""

import re

import pytest
from django.test import Client

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation
from concierge.events.models import Event
from concierge.helpcenter.models import ArticleReaction, UnansweredSearch
from concierge.helpcenter.public_views import VISITOR_COOKIE
from concierge.helpcenter.services.reading import record_article_view
from concierge.helpcenter.services.writing import create_article, save_translation, set_translation_state
from tests.helpcenter.reading_setup import AT, billing_collection, export_article, new_lead

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture
def reader():
    return Client(headers={"user-agent": BROWSER}, enforce_csrf_checks=True)


@pytest.fixture
def billing(workspace):
    return billing_collection(workspace)


@pytest.fixture
def article(workspace, billing):
    return export_article(workspace, collection=billing)


def csrf_of(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_the_root_picks_the_visitors_language_among_the_help_centers(reader, article):
    assert (
        reader.get("/help/acme/", headers={"accept-language": "es-MX,es;q=0.9"})["Location"]
        == "/help/acme/es/"
    )
    assert (
        reader.get("/help/acme/", headers={"accept-language": "de-DE,en;q=0.5"})["Location"]
        == "/help/acme/en/"
    )
    assert (
        reader.get("/help/acme/", headers={"accept-language": "fr"})["Location"] == "/help/acme/en/"
    )  # default
    assert reader.get("/help/acme/")["Location"] == "/help/acme/en/"


def test_the_home_shows_collections_and_popular_articles_in_its_language(reader, workspace, article, billing):
    second = create_article(
        workspace,
        slug="invoices",
        locale="en",
        title="Download invoices",
        body="Open Billing.",
        collection=billing,
        state="published",
        at=AT,
    )
    lead = new_lead(workspace)
    for _ in range(3):
        record_article_view(second, lead)

    page = reader.get("/help/acme/en/")
    text = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == "en"
    assert "Billing &amp; plans" in text and "2 articles" in text
    assert text.index("Download invoices") < text.index(
        "Export your conversations to CSV"
    )  # most viewed first
    spanish = reader.get("/help/acme/es/").content.decode()
    assert '<html lang="es">' in spanish and "Facturación" in spanish and "1 artículo" in spanish
    assert "Exportar tus conversaciones a CSV" in spanish and "Download invoices" not in spanish


def test_an_article_page_with_its_contents_languages_and_related_articles(
    reader, workspace, article, billing
):
    create_article(
        workspace,
        slug="invoices",
        locale="en",
        title="Download invoices",
        body="x",
        collection=billing,
        state="published",
        at=AT,
    )
    page = reader.get("/help/acme/en/articles/export-csv/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Export your conversations to CSV</h1>" in text
    assert '<a href="#start-an-export">Start an export</a>' in text  # in this article
    assert "Updated March 2, 2026" in text
    assert 'href="/help/acme/es/articles/export-csv/"' in text and "Download invoices" in text
    assert '<link rel="canonical" href="http://testserver/help/acme/en/articles/export-csv/">' in text
    assert (
        '<link rel="alternate" hreflang="es" href="http://testserver/help/acme/es/articles/export-csv/">'
        in text
    )
    assert 'hreflang="x-default" href="http://testserver/help/acme/en/articles/export-csv/"' in text
    assert (
        "actualizado el 2 de marzo de 2026"
        in reader.get("/help/acme/es/articles/export-csv/").content.decode().lower()
    )


def test_reading_makes_a_lead_kept_by_a_cookie_and_records_the_visit_and_view(reader, workspace, article):
    reader.get("/help/acme/en/articles/export-csv/")
    cookie = reader.cookies[VISITOR_COOKIE]
    assert cookie["path"] == "/help/acme/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    lead = Contact.objects.get(workspace=workspace, visitor_id=cookie.value)
    assert lead.kind == Contact.Kind.LEAD
    reader.get("/help/acme/en/articles/export-csv/")
    assert Contact.objects.filter(workspace=workspace).count() == 1
    types = list(Event.objects.filter(contact=lead).values_list("type", flat=True))
    assert types == ["help_center.visited", "article.viewed", "article.viewed"]


def test_crawlers_and_the_sitemap_make_no_lead(workspace, article):
    crawler = Client(
        headers={"user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
    )
    assert crawler.get("/help/acme/en/articles/export-csv/").status_code == 200
    assert crawler.get("/help/acme/en/search/", {"q": "export"}).status_code == 200
    assert Client(headers={"user-agent": BROWSER}).get("/help/acme/sitemap.xml").status_code == 200
    assert not Contact.objects.filter(workspace=workspace).exists()
    assert not Event.objects.filter(workspace=workspace).exists()


@pytest.mark.parametrize(
    "case", ["draft", "internal", "archived", "other-workspace", "unknown", "no-language"]
)
def test_what_a_visitor_may_not_read_is_not_found(reader, workspace, other_workspace, article, case):
    if case == "draft":
        create_article(workspace, slug="draft", locale="en", title="Soon", body="x", at=AT)
        url = "/help/acme/en/articles/draft/"
    elif case == "internal":
        create_article(
            workspace,
            slug="draft",
            locale="en",
            title="Ops",
            body="x",
            visibility="internal",
            state="published",
            at=AT,
        )
        url = "/help/acme/en/articles/draft/"
    elif case == "archived":
        set_translation_state(article, "archived", at=AT)
        url = "/help/acme/en/articles/export-csv/"
    elif case == "other-workspace":
        url = "/help/globex/en/articles/export-csv/"
    elif case == "unknown":
        url = "/help/nobody/en/"
    else:
        url = "/help/acme/de/articles/export-csv/"
    assert reader.get(url).status_code == 404


def test_an_internal_article_never_shows_in_lists_search_or_sitemap(reader, workspace, billing):
    create_article(
        workspace,
        slug="escalation",
        locale="en",
        title="Escalation runbook",
        body="Page the export on-call.",
        collection=billing,
        visibility="internal",
        state="published",
        at=AT,
    )
    export_article(workspace, collection=billing)
    for url in ("/help/acme/en/", "/help/acme/en/collections/billing/", "/help/acme/sitemap.xml"):
        assert "escalation" not in reader.get(url).content.decode().lower()
    assert "Escalation" not in reader.get("/help/acme/en/search/", {"q": "export"}).content.decode()


def test_search_with_a_typo_shows_showing_results_for(reader, workspace, article):
    page = reader.get("/help/acme/en/search/", {"q": "exprot"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Showing results for <strong>export</strong>" in text
    assert 'href="/help/acme/en/articles/export-csv/"' in text and "<mark>" in text
    assert '<meta name="robots" content="noindex, follow">' in text
    assert 'href="/help/acme/en/search/?q=exprot&amp;exact=1"' in text
    exact = reader.get("/help/acme/en/search/", {"q": "exprot", "exact": "1"}).content.decode()
    assert "We found no article for “exprot”" in exact


def test_search_instead_for_the_query_as_typed_shows_what_it_finds(
    reader, workspace, billing, article, monkeypatch
):
    # A typo written into articles ("exprot") is a word of the help center: searching it shows the
    # results for the more frequent "export", and "Search instead for exprot" the articles holding
    # the typo, page after page.
    from concierge.core import search
    from concierge.helpcenter import public_views

    monkeypatch.setattr(search, "RARE_WORD_RATIO", 1)  # a help center this small has no frequent words
    monkeypatch.setattr(public_views, "RESULTS_PER_PAGE", 1)
    for slug, title, body in [
        ("old-exports", "Older files", "Files from the old exprot tool stay in the archive."),
        ("archive", "The archive", "The exprot tool kept every file."),
        ("export-pdf", "Export a PDF", "A PDF export of one conversation."),
    ]:
        create_article(
            workspace,
            slug=slug,
            locale="en",
            title=title,
            body=body,
            collection=billing,
            state="published",
            at=AT,
        )
    text = reader.get("/help/acme/en/search/", {"q": "exprot"}).content.decode()
    assert "Showing results for <strong>export</strong>" in text
    assert (
        "/articles/export-" in text
        and "/articles/old-exports/" not in text
        and "/articles/archive/" not in text
    )
    assert 'href="/help/acme/en/search/?q=exprot&amp;exact=1">Search instead for exprot</a>' in text
    exact = reader.get("/help/acme/en/search/", {"q": "exprot", "exact": "1"}).content.decode()
    assert "Showing results for" not in exact and "<mark>exprot</mark>" in exact
    assert "/articles/export-" not in exact
    assert 'href="/help/acme/en/search/?q=exprot&amp;exact=1&amp;page=2"' in exact
    second = reader.get("/help/acme/en/search/", {"q": "exprot", "exact": "1", "page": "2"}).content.decode()
    assert "Showing results for" not in second and "<mark>exprot</mark>" in second
    shown = {slug for slug in ("old-exports", "archive") if f"/articles/{slug}/" in exact + second}
    assert shown == {"old-exports", "archive"}


def test_a_submitted_search_is_recorded_and_typing_is_not(reader, workspace, article):
    reader.get("/help/acme/en/search/suggestions/", {"q": "expo"})
    assert not Event.objects.filter(type="article.searched").exists()
    suggestions = reader.get("/help/acme/en/search/suggestions/", {"q": "expo"}).content.decode()
    assert "<mark>Export</mark> your conversations to CSV" in suggestions

    reader.get("/help/acme/en/search/", {"q": "refund policy"})
    event = Event.objects.get(type="article.searched")
    assert event.data == {"channel": "help_center", "query": "refund policy"}
    assert UnansweredSearch.objects.get(workspace=workspace).query == "refund policy"


def test_a_too_long_search_is_refused_with_a_message(reader, article):
    page = reader.get("/help/acme/en/search/", {"q": "x" * 201})
    assert page.status_code == 400
    assert "at most 200 characters" in page.content.decode()
    assert reader.get("/help/acme/en/search/suggestions/", {"q": "x" * 201}).status_code == 400
    assert not Event.objects.filter(type="article.searched").exists()


def test_reacting_by_plain_post_and_by_htmx(reader, workspace, article):
    page = reader.get("/help/acme/en/articles/export-csv/")
    token = csrf_of(page)
    answer = reader.post(
        "/help/acme/en/articles/export-csv/reaction/", {"reaction": "happy", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302 and answer["Location"] == "/help/acme/en/articles/export-csv/#feedback"
    lead = Contact.objects.get(visitor_id=reader.cookies[VISITOR_COOKIE].value)
    assert ArticleReaction.objects.get(contact=lead).reaction == "happy"

    fragment = reader.post(
        "/help/acme/en/articles/export-csv/reaction/",
        {"reaction": "disappointed", "csrfmiddlewaretoken": token},
        headers={"hx-request": "true"},
    )
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "Talk to us" in text and 'name="email"' in text
    assert ArticleReaction.objects.get(contact=lead).reaction == "disappointed"


def test_an_unknown_reaction_is_a_400_and_csrf_is_on(reader, workspace, article):
    token = csrf_of(reader.get("/help/acme/en/articles/export-csv/"))
    refused = reader.post(
        "/help/acme/en/articles/export-csv/reaction/", {"reaction": "angry", "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 400 and b"reaction must be one of" in refused.content
    assert (
        reader.post("/help/acme/en/articles/export-csv/reaction/", {"reaction": "happy"}).status_code == 403
    )
    assert not ArticleReaction.objects.exists()


def test_talk_to_us_needs_a_good_email_from_a_lead_then_starts_the_conversation(reader, workspace, article):
    token = csrf_of(reader.get("/help/acme/en/articles/export-csv/"))
    url = "/help/acme/en/articles/export-csv/talk/"
    refused = reader.post(url, {"message": "It never arrives", "email": "nope", "csrfmiddlewaretoken": token})
    assert refused.status_code == 422 and "Enter a valid email address." in refused.content.decode()
    missing = reader.post(url, {"message": "It never arrives", "csrfmiddlewaretoken": token})
    assert missing.status_code == 422 and "This field is required." in missing.content.decode()
    assert not Conversation.objects.exists()

    sent = reader.post(
        url, {"message": "It never arrives", "email": "lee@example.com", "csrfmiddlewaretoken": token}
    )
    assert sent.status_code == 200 and "Your message is with the team" in sent.content.decode()
    conversation = Conversation.objects.get()
    assert conversation.contact.email == "lee@example.com"
    assert "/help/acme/en/articles/export-csv/" in conversation.parts.get().body


def test_the_sitemap_lists_every_language_with_its_alternates(reader, workspace, article):
    create_article(workspace, slug="draft", locale="en", title="Soon", body="x", at=AT)
    save_translation(article.article, locale="de", title="Export", body="x", state="draft", at=AT)
    page = reader.get("/help/acme/sitemap.xml")
    text = page.content.decode()
    assert page["Content-Type"] == "application/xml"
    assert "<loc>http://testserver/help/acme/en/articles/export-csv/</loc>" in text
    assert "<loc>http://testserver/help/acme/es/articles/export-csv/</loc>" in text
    assert (
        '<xhtml:link rel="alternate" hreflang="es" href="http://testserver/help/acme/es/articles/export-csv/"/>'
        in text
    )
    assert "/de/" not in text and "draft" not in text


def test_markdown_with_script_or_event_handlers_is_shown_safe(reader, workspace):
    create_article(
        workspace,
        slug="unsafe",
        locale="en",
        title="Unsafe",
        state="published",
        at=AT,
        body='Hi <script>alert(1)</script> <img src="x" onerror="alert(2)"> [link](javascript:alert(3))',
    )
    text = reader.get("/help/acme/en/articles/unsafe/").content.decode()
    assert "<script>alert" not in text and "onerror" not in text and 'href="javascript' not in text
