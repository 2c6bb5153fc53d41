"""Two teammates' pages in a real Chromium, served by the ASGI server: what one does appears in the
other's inbox without a reload (a new conversation, a reply, an assignment with its notification,
who is viewing, who is typing)."""

import pytest
from django.core.management import call_command

from concierge.conversations.services import reply_as_contact, start_conversation
from tests.live.conftest import session_cookie


def signed_in_page(browser, server, teammate):
    context = browser.new_context(
        locale="en-US", timezone_id="America/New_York", viewport={"width": 1400, "height": 900}
    )
    cookie = session_cookie(teammate.user)["Cookie"].split("=", 1)[1]
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def wait_for_stream(page):
    page.wait_for_function("window.ConciergeInbox && window.ConciergeInbox.live.isLeader()")
    page.wait_for_timeout(300)  # the EventSource is open and registered with the server


@pytest.mark.browser
def test_the_other_teammates_inbox_follows_without_a_reload(
    browser, asgi_server, workspace, owner, agent, contact
):
    first = start_conversation(workspace, contact=contact, body="My export fails", subject="Export")
    owner_context, owner_page = signed_in_page(browser, asgi_server, owner)
    agent_context, agent_page = signed_in_page(browser, asgi_server, agent)
    try:
        agent_page.goto(f"{asgi_server.url}/w/acme/inbox/")
        owner_page.goto(f"{asgi_server.url}/w/acme/inbox/{first.pk}/")
        wait_for_stream(agent_page)
        wait_for_stream(owner_page)
        agent_page.evaluate("window.__notReloaded = true")

        # A customer starts a conversation: it appears in the agent's list, unread, counted in the title.
        second = start_conversation(
            workspace, contact=contact, body="Also: the invoice is wrong", subject="Invoice"
        )
        agent_page.locator(f"#conversation-row-{second.pk}.is-unread").wait_for()
        agent_page.wait_for_function("document.title.startsWith('(1) ')")

        # The owner assigns the first conversation to the agent: the agent's row moves and a toast tells them.
        owner_page.locator("#assign-teammate").select_option(str(agent.pk))
        owner_page.get_by_role("button", name="Assign", exact=True).click()
        agent_page.locator(f"#conversation-row-{first.pk} .row-assignee", has_text=agent.name).wait_for()
        call_command("worker", "--batch", "--no-recurring", verbosity=0)  # notifications are the worker's
        toast = agent_page.locator(".live-toast")
        toast.wait_for()
        assert "Assigned to you" in toast.inner_text()

        # The agent opens it: the owner sees them viewing it.
        agent_page.locator(f"#conversation-row-{first.pk} a").click()
        agent_page.locator(f"#detail-pane .conversation[data-conversation-id='{first.pk}']").wait_for()
        owner_page.locator("#live-viewing", has_text=f"{agent.name} is viewing").wait_for()

        # The owner types and replies: the agent sees them typing, then the reply in the open conversation.
        owner_page.get_by_label("Your message").press_sequentially("On it")
        agent_page.locator("#live-typing", has_text=f"{owner.name} is typing").wait_for()
        owner_page.get_by_role("button", name="Send reply").click()
        agent_page.locator("#timeline .part.from-teammate", has_text="On it").wait_for()

        # The customer writes again: the open conversation shows it.
        reply_as_contact(first, "Thanks!")
        agent_page.locator("#timeline .part.from-contact", has_text="Thanks!").wait_for()
        assert agent_page.evaluate("window.__notReloaded") is True

        for width, name in ((1400, "wide"), (390, "phone")):
            agent_page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
            agent_page.screenshot(path=f"/tmp/live-inbox-{name}.png", full_page=False)
    finally:
        owner_context.close()
        agent_context.close()
