"""The messenger embedded in a page of ANOTHER origin, in a real Chromium: boot, open, write, see the
message; a teammate's reply (a service call) appears without a reload; Spanish; a phone's width."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from concierge.contacts.models import Contact
from concierge.conversations import selectors, services
from concierge.live.services import announce_typing

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def host_page(concierge_url: str, lang: str = "en") -> bytes:
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>A product page</h1>
<script src="{concierge_url}/messenger.js" data-workspace="acme" async></script>
<script>window.Concierge = window.Concierge || function(){{(Concierge.q = Concierge.q || []).push(arguments)}};
Concierge('boot', {{name: "Ana"}});
Concierge('onUnreadCount', function (n) {{ document.title = "(" + n + ") Shop"; }});</script>
</body></html>""".encode()


class HostSite:
    """A tiny site on 127.0.0.1 embedding the messenger of a Concierge on localhost: another origin."""

    def __init__(self, concierge_url: str):
        concierge = concierge_url.replace("127.0.0.1", "localhost")
        pages = {"/": host_page(concierge), "/es": host_page(concierge, "es")}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's name)
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_origin(asgi_server):
    """The site, embedding a Concierge served by the ASGI server (as `concierge serve` does: the live
    streams need it)."""
    site = HostSite(asgi_server.url)
    yield site.url
    site.stop()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_writes_from_another_site_and_sees_the_teams_reply_without_a_reload(
    browser, other_origin, workspace, agent
):
    context = browser.new_context(
        locale="en-US", timezone_id="Europe/Madrid", viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(other_origin + "/")
    page.get_by_role("button", name="Open the messenger").click()
    frame = page.frame_locator("iframe[data-concierge-frame]")
    frame.get_by_role("button", name="Send us a message").click()
    frame.get_by_role("textbox", name="Write a message…").fill("Hello <b>team</b>, my order is late")
    frame.get_by_role("textbox", name="Write a message…").press("Enter")
    frame.locator(".bubble.contact").first.wait_for()
    assert "Hello <b>team</b>, my order is late" in frame.locator(".bubble.contact").first.inner_text() or (
        "Hello team, my order is late" in frame.locator(".bubble.contact").first.inner_text()
    )

    visitor_id = page.evaluate("localStorage.getItem('concierge.visitor.acme')")
    lead = Contact.objects.get(workspace=workspace, visitor_id=visitor_id)
    assert lead.name == "Ana"  # the boot's name, saved on the lead
    [conversation] = selectors.conversations_of_contact(workspace, lead)

    # An anonymous visitor is asked for an email address to be told of replies.
    frame.get_by_role("textbox", name="you@example.com").fill("ana@shop.test")
    frame.get_by_role("button", name="Notify me").click()
    frame.get_by_text("We will email you at ana@shop.test.").wait_for()
    lead.refresh_from_db()
    assert lead.email == "ana@shop.test"

    services.reply_as_teammate(conversation, agent, "We are on it, Ana")
    reply = frame.locator(".bubble.teammate")
    reply.wait_for()
    assert "We are on it, Ana" in reply.inner_text() and agent.name in reply.inner_text()
    expect(frame.locator("#announcer")).to_contain_text("New message from")  # read out a moment later
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "messenger-1400.png"))
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_messenger_is_full_screen_on_a_phone_and_speaks_spanish(browser, other_origin, workspace, owner):
    context = browser.new_context(
        locale="es-ES",
        timezone_id="America/Mexico_City",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(other_origin + "/es")
    page.get_by_role("button", name="Open the messenger").click()
    frame = page.frame_locator("iframe[data-concierge-frame]")
    frame.get_by_role("button", name="Envíanos un mensaje").wait_for()
    assert "Solemos responder en pocos minutos" in frame.locator(".expectation").inner_text()
    box = page.locator("iframe[data-concierge-frame]").bounding_box()
    assert box["width"] == 390 and box["height"] == 844
    page.screenshot(path=str(SCREENSHOTS / "messenger-390.png"))
    # Escape closes it, and the launcher comes back.
    frame.get_by_role("button", name="Envíanos un mensaje").focus()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Open the messenger").wait_for()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_stream_brings_the_teams_typing_and_reply_and_counts_unread_while_closed(
    browser, other_origin, workspace, agent
):
    context = browser.new_context(
        locale="en-US", timezone_id="Asia/Tokyo", viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(other_origin + "/")
    page.get_by_role("button", name="Open the messenger").click()
    frame = page.frame_locator("iframe[data-concierge-frame]")
    frame.get_by_role("button", name="Send us a message").click()
    frame.get_by_role("textbox", name="Write a message…").fill("Is anyone there?")
    frame.get_by_role("textbox", name="Write a message…").press("Enter")
    frame.locator(".bubble.contact").first.wait_for()
    lead = Contact.objects.get(
        workspace=workspace, visitor_id=page.evaluate("localStorage.getItem('concierge.visitor.acme')")
    )
    [conversation] = selectors.conversations_of_contact(workspace, lead)
    # Typing is told by the stream only (nothing polls for it).
    frame.locator("html[data-live='open']").wait_for(state="attached")
    announce_typing(
        workspace.pk, conversation.pk, who="teammate", sender_id=agent.pk, name=agent.name, contact_id=lead.pk
    )
    frame.get_by_text(f"{agent.name} is typing…").wait_for()
    services.reply_as_teammate(conversation, agent, "Yes, right here")
    frame.locator(".bubble.teammate", has_text="Yes, right here").wait_for()
    assert frame.locator(".bubble.teammate").count() == 1  # once, from the stream or the fetch, never twice

    # Closed, the launcher counts what came meanwhile, and so does the site's onUnreadCount.
    frame.get_by_role("button", name="Close the messenger").click()
    services.reply_as_teammate(conversation, agent, "Anything else?")
    page.locator("[data-concierge-badge]", has_text="1").wait_for()
    page.wait_for_function("document.title === '(1) Shop'")
    page.get_by_role("button", name="Open the messenger").click()
    frame.locator(".bubble.teammate", has_text="Anything else?").wait_for()
    page.wait_for_function("document.title === '(0) Shop'")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_update_track_and_shutdown_from_the_sites_page(browser, other_origin, workspace):
    from concierge.events.models import Event

    context = browser.new_context(locale="en-US", timezone_id="Europe/Madrid")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(other_origin + "/")
    page.get_by_role("button", name="Open the messenger").click()
    frame = page.frame_locator("iframe[data-concierge-frame]")
    frame.get_by_role("button", name="Send us a message").wait_for()
    first_visitor = page.evaluate("localStorage.getItem('concierge.visitor.acme')")
    page.evaluate("Concierge('update', {plan: 'pro'}); Concierge('track', 'pricing-viewed', {from: 'menu'})")
    lead = Contact.objects.get(workspace=workspace, visitor_id=first_visitor)
    # The page posts to the frame, which calls the API: wait for the rows (no time is asserted).
    for _ in range(300):
        lead.refresh_from_db()
        if lead.attributes.get("plan") == "pro" and Event.objects.filter(type="contact.tracked").exists():
            break
        page.wait_for_timeout(100)
    assert lead.attributes == {"plan": "pro"}
    event = Event.objects.get(workspace=workspace, type="contact.tracked")
    assert event.contact_id == lead.pk and event.data == {"name": "pricing-viewed", "data": {"from": "menu"}}

    page.evaluate("Concierge('shutdown')")
    assert page.locator("[data-concierge]").count() == 0
    assert page.evaluate("localStorage.getItem('concierge.visitor.acme')") is None
    page.evaluate("Concierge('boot', {})")
    page.get_by_role("button", name="Open the messenger").wait_for()
    assert page.evaluate("localStorage.getItem('concierge.visitor.acme')") not in (None, first_visitor)
    context.close()
