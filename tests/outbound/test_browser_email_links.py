"""A proactive email's links in a real Chromium: the customer follows the tracked link to the page
it names, and unsubscribes from the link at the foot of the email on a phone-sized screen; the
unsubscribe page never scrolls sideways, and the next proactive email does not reach them."""

import re
from html import unescape

import pytest

from concierge.outbound.models import Delivery, Unsubscription
from concierge.outbound.services import set_state


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_customer_clicks_through_and_unsubscribes_on_a_phone(
    browser, live_server, settings, tmp_path, mailbox, run_tasks, workspace, contact, make_message
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL = live_server.url
    target = f"{live_server.url}/help/acme/en/"
    message = make_message(
        "email",
        versions=[{"locale": "en", "subject": "News", "body": f"See [what changed]({target})."}],
    )
    set_state(message, "live")
    run_tasks()
    (email,) = mailbox.to("casey@customer.test")
    html = email.get_body(preferencelist=("html",)).get_content()
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]
    click = next(link for link in links if "/o/acme/click/" in link)
    unsubscribe = email["List-Unsubscribe"].strip().strip("<>")

    for width, height in ((1400, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            if width == 390:
                page.goto(click)
                assert page.url == target
            page.goto(unsubscribe)
            page.get_by_role("button", name="Unsubscribe").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            if width == 390:
                page.get_by_role("button", name="Unsubscribe").click()
                page.get_by_text("You are unsubscribed").wait_for()
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        finally:
            context.close()
    delivery = Delivery.objects.get(message=message, contact=contact)
    assert delivery.clicked_at is not None
    assert Unsubscription.objects.filter(contact=contact).exists()
