"""The coach beside the composer, in a real Chromium: typing an overpromise shows the warning with its
words marked, and sending the reply still works."""

import pytest

from concierge.conversations.models import Part
from concierge.conversations.services import start_conversation
from tests.conftest import PASSWORD

PROMISE = "I promise we'll fix this by tomorrow"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_an_overpromise_shows_the_warning_and_sending_still_works(
    page, live_server, workspace, owner, contact
):
    conversation = start_conversation(
        workspace, contact=contact, body="The export button does nothing", subject="Export"
    )

    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")
    page.goto(f"{live_server.url}/w/acme/inbox/{conversation.pk}/")

    page.get_by_label("Your message").press_sequentially(PROMISE)

    warning = page.locator("#coach-panel .coach-hint-warning[data-element='overpromise']")
    warning.wait_for()
    assert "Promises something support can't guarantee" in warning.inner_text()
    assert "Try:" in warning.inner_text()
    assert page.locator("#coach-panel mark.coach-warning").inner_text() == PROMISE

    page.get_by_role("button", name="Send reply").click()
    reply = page.locator("#timeline .part.from-teammate").last
    reply.wait_for()
    assert reply.locator(".message-body").inner_text() == PROMISE
    assert Part.objects.filter(conversation=conversation, author_type="teammate", kind="comment").count() == 1
