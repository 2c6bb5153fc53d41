"""In a real Chromium: a conversation is linked to a product issue from its own page (the control in the
side panel, without a page load), the issue page then lists the customer, and the stand-up's count
opens the list behind it."""

import pytest

from concierge.conversations.services import start_conversation, tag_conversation, tag_for_name
from concierge.insights.models import IssueLink
from concierge.insights.services.issues import create_product_issue
from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_linking_from_the_conversation_page_and_drilling_down(page, live_server, workspace, owner, contact):
    conversation = start_conversation(
        workspace, contact=contact, body="Please add dark mode", subject="Dark mode"
    )
    tag_conversation(conversation, tag_for_name(workspace, "feature request"))
    issue = create_product_issue(workspace, title="Dark mode")

    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")
    page.goto(f"{live_server.url}/w/acme/inbox/{conversation.pk}/")

    control = page.locator("#conversation-issues")
    control.get_by_text("Not linked to a product issue.").wait_for()
    control.locator("select[name=issue]").select_option(label="Dark mode")
    control.get_by_role("button", name="Link").click()
    control.get_by_role("link", name="Dark mode").wait_for()
    assert page.url.endswith(f"/inbox/{conversation.pk}/")  # swapped in place
    assert IssueLink.objects.filter(issue=issue, conversation=conversation).exists()

    control.get_by_role("link", name="Dark mode").click()
    page.get_by_role("heading", name="Customers who asked").wait_for()
    assert page.get_by_role("link", name="Casey Customer").is_visible()

    page.goto(f"{live_server.url}/w/acme/insights/?period=7")
    page.locator("a[data-count=customers]").first.click()
    page.locator("#drill-down-count").wait_for()
    assert page.locator("tr[data-conversation]").count() == 1
    assert "1 conversation from 1 customer" in page.locator("#drill-down-count").inner_text()
