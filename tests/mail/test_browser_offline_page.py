"""The conversation's page from an email of unseen replies, in a real Chromium on a phone-sized
screen: the customer follows the link from the email the SMTP server received, reads the reply,
answers, and the answer is in the conversation; the page never scrolls sideways."""

import re

import pytest

from concierge.conversations.services import reply_as_teammate, start_conversation


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_customer_follows_the_emails_link_on_a_phone_and_replies(
    browser, live_server, settings, mailbox, run_tasks, workspace, agent, contact
):
    settings.PUBLIC_URL = live_server.url
    conversation = start_conversation(
        workspace, contact=contact, body="Can I export to CSV?", subject="Export"
    )
    reply_as_teammate(conversation, agent, "Yes: open **Reports → Exports**.")
    run_tasks(include_later=True)
    (email,) = mailbox.to("casey@customer.test")
    text = email.get_body(preferencelist=("plain",)).get_content()
    (link,) = re.findall(rf"{re.escape(live_server.url)}/messenger/acme/c/\S+/", text)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        phone.goto(link)
        phone.get_by_text("Reports → Exports").wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.get_by_label("Your reply").fill("Found it, thanks!")
        phone.get_by_role("button", name="Send").click()
        phone.get_by_text("Found it, thanks!").wait_for()
    finally:
        context.close()
    conversation.refresh_from_db()
    last = conversation.parts.order_by("-id").first()
    assert (last.author_type, last.body) == ("contact", "Found it, thanks!")
    assert conversation.contact_seen_at is not None
