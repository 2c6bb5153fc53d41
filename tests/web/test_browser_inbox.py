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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_closing_or_snoozing_takes_the_conversation_out_of_the_open_list_at_once(
    page, live_server, workspace, owner, contact
):
    from concierge.contacts.services import create_contact

    visitor = create_contact(workspace, visitor_id="visitor-1796154149", city="Lisbon")
    closing = start_conversation(workspace, contact=contact, body="My export fails", subject="Export")
    snoozing = start_conversation(workspace, contact=visitor, body="Do you have a free plan?")

    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")
    rows = page.locator("#conversation-list .conversation-row")
    assert rows.count() == 2
    assert page.locator("#pane-count").inner_text() == "2 conversations"
    assert "Visitor from Lisbon" in page.locator(f"#conversation-row-{snoozing.pk}").inner_text()
    assert "1796154149" not in page.locator("#conversation-list").inner_text()
    page.evaluate("window.stillTheSamePage = true")

    page.locator(f"#conversation-row-{closing.pk} a").click()
    page.locator("#timeline").get_by_text("My export fails").wait_for()
    page.get_by_role("button", name="Close", exact=True).click()
    page.locator(f"#conversation-row-{closing.pk}").wait_for(state="detached")
    assert page.locator("#conversation-header .badge").inner_text() == "Closed"
    assert page.locator("#pane-count").inner_text() == "1 conversation"  # the count follows the list

    page.locator(f"#conversation-row-{snoozing.pk} a").click()
    page.locator("#conversation-header h2").get_by_text("Visitor from Lisbon").wait_for()
    page.locator(".snooze-presets button").first.click()
    page.locator(f"#conversation-row-{snoozing.pk}").wait_for(state="detached")
    assert rows.count() == 0
    assert page.locator("#pane-count").inner_text() == "0 conversations"
    assert page.evaluate("window.stillTheSamePage === true")  # no reload happened


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_markdown_replies_are_formatted_with_links_that_open_a_tab_and_nothing_runs(
    page, live_server, workspace, owner, agent, contact
):
    from concierge.conversations.services import reply_as_teammate

    conversation = start_conversation(
        workspace,
        contact=contact,
        body='Help <img src=x onerror="window.ran=1"> <a href="javascript:window.ran=2">me</a>',
    )
    # From the API, HTML in the Markdown is kept, sanitised.
    reply_as_teammate(
        conversation,
        agent,
        '**Checked**: <script>window.ran=3</script><svg onload="window.ran=4"></svg>[docs](javascript:window.ran=5)',
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")
    page.goto(f"{live_server.url}/w/acme/inbox/{conversation.pk}/")
    page.locator("#timeline").get_by_text("Checked").wait_for()

    page.get_by_label("Your message").fill(
        "Fixed **today**, see https://status.example.com\n- <script>window.ran=6</script>\n- `code`"
    )
    page.get_by_role("button", name="Send reply").click()
    reply = page.locator("#timeline .part.from-teammate").last
    reply.locator("strong", has_text="today").wait_for()
    link = reply.get_by_role("link", name="https://status.example.com")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "nofollow noopener noreferrer"
    assert reply.locator("li").first.inner_text() == "<script>window.ran=6</script>"  # shown as typed
    assert reply.locator("code").inner_text() == "code"

    assert page.locator("#timeline a[href^='javascript']").count() == 0
    assert page.locator("#timeline script, #timeline svg, #timeline img").count() == 0
    assert page.evaluate("window.ran === undefined") and dialogs == []
