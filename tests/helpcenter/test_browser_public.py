"""In a real Chromium, on a laptop and on a phone: a visitor searches the public help center with a
typo, is shown the corrected results, opens the article and reacts — and the reaction is stored."""

import pytest

from concierge.contacts.models import Contact
from concierge.helpcenter.models import ArticleReaction
from tests.helpcenter.reading_setup import billing_collection, export_article

LAPTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_visitor_searches_with_a_typo_opens_the_article_and_reacts(page, live_server, workspace, viewport):
    export_article(workspace, collection=billing_collection(workspace))
    page.set_viewport_size(viewport)
    page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    page.goto(live_server.url + "/help/acme/")
    assert page.url.endswith("/help/acme/en/")

    search = page.get_by_role("searchbox", name="Search the help center")
    search.fill("exprot")
    search.press("Enter")
    page.wait_for_url("**/help/acme/en/search/?q=exprot")
    assert "Showing results for export" in page.locator(".hc-corrected").inner_text()

    page.get_by_role("link", name="Export your conversations to CSV").click()
    page.wait_for_url("**/help/acme/en/articles/export-csv/")
    assert page.get_by_role("heading", level=1).inner_text() == "Export your conversations to CSV"
    page.get_by_role("button", name="😃").click()
    page.get_by_text("Thanks for letting us know.").wait_for()
    assert page.get_by_role("button", name="😃").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    lead = Contact.objects.get(workspace=workspace, kind="lead")
    assert ArticleReaction.objects.get(contact=lead).reaction == "happy"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_suggestions_appear_while_typing_and_a_sad_reaction_offers_talk_to_us(page, live_server, workspace):
    export_article(workspace, collection=billing_collection(workspace))
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/help/acme/en/")
    page.get_by_role("searchbox", name="Search the help center").press_sequentially("expo", delay=30)
    page.locator(".hc-suggestion-list").get_by_role("link", name="Export your conversations to CSV").click()
    page.wait_for_url("**/help/acme/en/articles/export-csv/")

    page.get_by_role("button", name="😞").click()
    page.get_by_label("Your question", exact=True).fill("The file never arrives.")
    page.get_by_label("Your email address", exact=True).fill("lee@example.com")
    page.get_by_role("button", name="Send to the team").click()
    page.get_by_text("Your message is with the team.").wait_for()
    lead = Contact.objects.get(workspace=workspace, kind="lead")
    assert lead.email == "lee@example.com"
    assert lead.conversations.get().subject == "Export your conversations to CSV"
