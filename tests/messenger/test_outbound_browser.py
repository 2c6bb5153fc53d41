"""Proactive messages on a customer's site of ANOTHER origin, in a real Chromium, on a laptop and on a
phone: a banner drawn on the page and dismissed, a tooltip tour pinned to the page's elements, a chat
that opens the messenger, is reacted to and answered, and a post that waits some seconds on a page."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from concierge.contacts.auth import user_hash_for
from concierge.conversations.models import Part
from concierge.events.models import Event
from concierge.outbound.models import Delivery
from concierge.outbound.services import create_message, deliver, set_state

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def host_page(concierge_url: str, user_id: str, user_hash: str) -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<style>body {{ font-family: sans-serif; margin: 0; }} header {{ display: flex; gap: 12px; padding: 12px;
background: #eee; }} main {{ padding: 16px; }}</style></head>
<body><header><strong>Shop</strong><button id="export">Export</button><span class="plan">Plan: Pro</span></header>
<main><h1>A product page</h1><p>Things to buy.</p></main>
<script src="{concierge_url}/messenger.js" data-workspace="acme" async></script>
<script>window.Concierge = window.Concierge || function(){{(Concierge.q = Concierge.q || []).push(arguments)}};
Concierge('boot', {{user_id: "{user_id}", user_hash: "{user_hash}", name: "Casey Customer"}});</script>
</body></html>""".encode()


class HostSite:
    """A tiny site on 127.0.0.1 embedding the messenger of a Concierge on localhost: another origin.
    Every path is the same product page, so a page trigger can match its address."""

    def __init__(self, concierge_url: str, user_id: str, user_hash: str):
        body = host_page(concierge_url.replace("127.0.0.1", "localhost"), user_id, user_hash)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(asgi_server, workspace, contact):
    host = HostSite(asgi_server.url, contact.external_id, user_hash_for(workspace, contact.external_id))
    yield host.url
    host.stop()


def live(workspace, content_type, versions, **settings):
    settings.setdefault("name", f"A {content_type}")
    settings.setdefault("overrides_cap", True)
    message = create_message(workspace, content_type=content_type, versions=versions, **settings)
    return set_state(message, "live")


def wait_for_row(page, check):
    """The page posts to the frame, which calls the API: wait for the row (no time is asserted)."""
    for _ in range(300):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)], ids=["laptop", "phone"])
def test_a_banner_a_tooltip_tour_and_a_chat_on_the_customers_site(
    browser, site, workspace, contact, agent, width, height
):
    banner = live(
        workspace,
        "banner",
        [{"locale": "en", "body": "Exports are slow right now. [Status](https://status.test)"}],
        trigger="page",
        page_url="*",
    )
    tour = live(
        workspace,
        "tooltip_group",
        [
            {
                "locale": "en",
                "tooltips": [
                    {"selector": "#export", "body": "Export your **orders** here"},
                    {"selector": ".plan", "body": "Your plan, {{first_name|there}}"},
                    {"selector": "#not-on-this-page", "body": "Never shown"},
                ],
            }
        ],
        trigger="page",
        page_url="*",
    )
    chat = live(
        workspace,
        "chat",
        [{"locale": "en", "body": "Hi {{first_name|there}}, your export failed twice. Can I help?"}],
        trigger="page",
        page_url="*",
        sender=agent,
    )
    deliveries = {m.content_type: deliver(m, contact) for m in (banner, tour, chat)}

    context = browser.new_context(
        locale="en-US", viewport={"width": width, "height": height}, is_mobile=width < 500
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/orders")

    # The banner: on top of the page, its link kept, dismissible.
    strip = page.locator("[data-concierge-banner]")
    strip.wait_for()
    assert "Exports are slow right now." in strip.inner_text()
    assert strip.locator("a").get_attribute("href") == "https://status.test"
    assert strip.bounding_box()["y"] == 0

    # The tour: pinned under the element of each step; the missing element's step is left out.
    tip = page.locator("[data-concierge-tip]")
    tip.wait_for()
    assert "Export your orders here" in tip.inner_text()
    target = page.locator("#export").bounding_box()
    assert tip.bounding_box()["y"] >= target["y"] + target["height"]

    # The chat opens the messenger, from its sender, personalised.
    frame = page.frame_locator("iframe[data-concierge-frame]")
    bubble = frame.locator(".proactive")
    bubble.wait_for()
    assert "Hi Casey, your export failed twice." in bubble.inner_text() and agent.name in bubble.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"outbound-messenger-{width}.png"))

    wait_for_row(page, lambda: Event.objects.filter(type="outbound.opened").count() == 3)
    frame.get_by_role("button", name="React with 🎉").click()
    frame.locator("button[aria-pressed='true']", has_text="🎉").wait_for()
    frame.get_by_role("textbox", name="Write a message…").fill("Yes please, it says timeout")
    frame.get_by_role("textbox", name="Write a message…").press("Enter")
    frame.locator(".bubble.contact", has_text="Yes please, it says timeout").wait_for()
    assert "your export failed twice" in frame.locator(".bubble.teammate").first.inner_text()
    delivery = Delivery.objects.get(pk=deliveries["chat"].pk)
    assert delivery.reaction == "🎉" and delivery.conversation_id is not None
    assert Part.objects.filter(conversation_id=delivery.conversation_id).count() == 2

    # Close the messenger; go through the tour and close the banner: neither comes back.
    frame.get_by_role("button", name="Close the messenger").click()
    if width < 500:
        page.get_by_role("button", name="Open the messenger").wait_for()
    page.screenshot(path=str(SCREENSHOTS / f"outbound-page-{width}.png"))
    tip.get_by_role("button", name="Next").click()
    assert "Your plan, Casey" in tip.inner_text()
    tip.get_by_role("button", name="Done").click()
    strip.get_by_role("button", name="Dismiss").click()
    assert page.locator("[data-concierge-tip], [data-concierge-banner]").count() == 0
    wait_for_row(
        page,
        lambda: (
            Delivery.objects.filter(
                pk__in=[deliveries["banner"].pk, deliveries["tooltip_group"].pk], dismissed_at__isnull=False
            ).count()
            == 2
        ),
    )
    page.reload()
    # The frame marks when the page's messages were handed to the loader.
    page.frame_locator("iframe[data-concierge-frame]").locator("html[data-outbound='shown']").wait_for(
        state="attached"
    )
    assert page.locator("[data-concierge-tip], [data-concierge-banner]").count() == 0
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_post_waits_its_seconds_on_a_matching_page_and_opens_full(browser, site, workspace, contact, owner):
    post = live(
        workspace,
        "post",
        [{"locale": "en", "subject": "New: exports to Sheets", "body": "Send your orders to a **sheet**."}],
        trigger="page",
        page_url="*/pricing*",
        page_seconds=1,
        sender=owner,
    )
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/about")
    page.get_by_role("button", name="Open the messenger").wait_for()
    assert not Delivery.objects.filter(message=post).exists()
    # A single-page site moves to the pricing page without loading a page.
    page.evaluate("history.pushState({}, '', '/pricing')")
    frame = page.frame_locator("iframe[data-concierge-frame]")
    frame.get_by_role("heading", name="New: exports to Sheets").wait_for()
    assert "Send your orders to a sheet." in frame.locator(".post").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "outbound-post-open-1400.png"))
    frame.get_by_role("button", name="React with 👍").click()
    frame.locator("button[aria-pressed='true']", has_text="👍").wait_for()
    wait_for_row(page, lambda: Event.objects.filter(type="outbound.reacted", message_ref=post.ref).exists())
    assert Event.objects.filter(type="outbound.sent", message_ref=post.ref).count() == 1
    # Back on Home, the post is listed from the team.
    frame.get_by_role("button", name="← Back").click()
    frame.get_by_role("button", name="New: exports to Sheets").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "outbound-post-home-1400.png"))
    context.close()
