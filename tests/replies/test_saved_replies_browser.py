"""The composer's `/` menu in a real Chromium: typing `/` and a few letters lists the saved replies
(an ARIA listbox), arrows and Enter insert the chosen one filled in for the customer, Escape closes
the menu, and sending runs the macro's actions."""

import pytest
from playwright.sync_api import expect

from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import start_conversation, tag_for_name
from concierge.replies.models import SavedReply
from concierge.replies.services.saved_replies import SavedReplyInput, create_saved_reply
from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_slash_inserts_a_saved_reply_and_sending_runs_its_macro(page, live_server, workspace, owner, contact):
    tag = tag_for_name(workspace, "refund")
    create_saved_reply(
        workspace,
        SavedReplyInput("Welcome aboard", {"en": "Welcome, {{contact.first_name|there}}!"}),
        owner=owner,
    )
    macro = create_saved_reply(
        workspace,
        SavedReplyInput(
            "Refund sent",
            {"en": "Hi {{contact.first_name|there}}, your refund is on its way. {{teammate.first_name}}"},
            actions=[{"type": "tag", "tag_id": tag.pk}, {"type": "close"}],
        ),
        owner=owner,
    )
    conversation = start_conversation(workspace, contact=contact, body="Charged twice", subject="Refund")

    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")
    page.goto(f"{live_server.url}/w/acme/inbox/{conversation.pk}/")

    box = page.get_by_label("Your message")
    box.press_sequentially("Thanks! /")
    listbox = page.get_by_role("listbox", name="Saved replies")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("Escape")
    listbox.wait_for(state="hidden")
    assert box.input_value() == "Thanks! /"

    box.press_sequentially("ref")
    option = page.get_by_role("option", name="Refund sent")
    option.wait_for()
    assert option.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    expect(box).to_have_value("Thanks! Hi Casey, your refund is on its way. Olivia")
    assert "Sending runs the actions" in page.locator("#saved-reply-note").inner_text()

    page.get_by_role("button", name="Send reply").click()
    reply = page.locator("#timeline .part.from-teammate").last
    reply.wait_for()
    assert "your refund is on its way" in reply.locator(".message-body").inner_text()
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED
    assert list(conversation.tags.values_list("name", flat=True)) == ["refund"]
    assert SavedReply.objects.get(pk=macro.pk).usage_count == 1
    assert Part.objects.filter(conversation=conversation, author_type="teammate", kind="comment").count() == 1
