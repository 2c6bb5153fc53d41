"""A teammate in a real Chromium: signs in, opens a conversation, replies, sees the reply appear —
without the page reloading."""

import pytest

from concierge.conversations.services import start_conversation
from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_open_a_conversation_and_reply_without_a_reload(page, live_server, workspace, owner, contact):
    conversation = start_conversation(workspace, contact=contact, body="My export fails", subject="Export")

    page.goto(live_server.url + "/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")

    page.get_by_role("link", name="Casey Customer").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/{conversation.pk}/")
    page.locator("#timeline").get_by_text("My export fails").wait_for()
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Your message").fill("A fix ships today <b>really</b>")
    page.get_by_role("button", name="Send reply").click()

    reply = page.locator("#timeline .part.from-teammate").last
    reply.wait_for()
    assert reply.locator(".message-body").inner_text() == "A fix ships today <b>really</b>"
    assert "Olivia Owner" in reply.inner_text()
    assert page.get_by_label("Your message").input_value() == ""
    assert page.evaluate("window.stillTheSamePage === true")  # no reload happened
    row = page.locator(f"#conversation-row-{conversation.pk}")
    assert "A fix ships today" in row.inner_text()
