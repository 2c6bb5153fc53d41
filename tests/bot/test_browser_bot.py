"""In a real Chromium, on a laptop and on a phone: the bot page shows its figures and lists, fits the
screen, and the try box answers; the inbox shows the bot's answer and its outcome."""

import pytest

from concierge.bot import services
from concierge.bot.models import BotQuestion
from concierge.conversations import services as conversations
from tests.web.test_browser_account import LAPTOP, PHONE, sign_in

QUESTION = "How do I export my contacts to CSV?"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_bot_page_fits_and_the_try_box_answers(
    page, live_server, workspace, owner, contact, articles, run_tasks, viewport
):
    answered = conversations.start_conversation(workspace, contact=contact, body=QUESTION)
    conversations.start_conversation(
        workspace, contact=contact, body="Can I get a discount for a nonprofit organisation?"
    )
    run_tasks()
    services.record_feedback(BotQuestion.objects.get(conversation=answered), helped=True)

    page.set_viewport_size(viewport)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/w/{workspace.slug}/bot/")
    assert page.get_by_role("heading", name="Automated answers").is_visible()
    assert page.get_by_text("Can I get a discount for a nonprofit organisation?").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("textbox", name="Question", exact=True).fill("I forgot my password")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector(".try-result")
    assert "reset-password" in page.locator(".try-result").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.goto(f"{live_server.url}/w/{workspace.slug}/inbox/{answered.pk}/")
    assert page.get_by_text("Confirmed: the customer said it helped").is_visible()
    assert page.get_by_text("Did that help?").first.is_visible()
