"""The message editor in a real Chromium, on a laptop and on a phone: the preview follows the text
as it is typed (filled in for an example customer), the audience's size follows its rules, the
message is saved as a draft and goes live from its page."""

import pytest
from playwright.sync_api import expect

from concierge.contacts.services import create_contact
from concierge.outbound.models import Message
from tests.conftest import PASSWORD

SCREENS = {"laptop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("screen", SCREENS)
def test_write_a_chat_see_its_preview_and_audience_and_make_it_live(
    page, live_server, workspace, owner, screen
):
    for number, plan in enumerate(["pro", "pro", "free"]):
        create_contact(
            workspace, external_id=f"u{number}", name=f"Customer {number}", attributes={"plan": plan}
        )
    page.set_viewport_size(SCREENS[screen])
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")

    page.get_by_role("link", name="Proactive messages").click()
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Name (for your team)").fill("Pro tips")
    body = page.get_by_label("Text (en)")
    body.fill("")
    body.press_sequentially("Hello {{first_name|there}}, try **exports**")
    preview = page.locator("#preview-0")
    expect(preview).to_contain_text("Hello Jordan, try exports")
    expect(preview.locator("strong")).to_have_text("exports")
    expect(preview.locator(".look-chat")).to_be_visible()
    page.get_by_text("Post", exact=True).click()
    expect(preview.locator(".look-post")).to_be_visible()
    page.get_by_text("Chat", exact=True).click()

    size = page.locator("#audience-size [data-audience-size]")
    expect(size).to_have_text("3")
    page.get_by_role("button", name="Add a rule").click()
    row = page.locator(".rule-row").last
    row.get_by_label("Rule looks at").select_option("attribute")
    row.get_by_label("Attribute, event or tag name").fill("plan")
    row.get_by_label("Value").fill("pro")
    expect(size).to_have_text("2")
    row.get_by_label("Comparison").select_option("gt")
    expect(page.locator("#audience-size [role=alert]")).to_contain_text("Rule 1")

    row.get_by_label("Comparison").select_option("is")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pro tips")
    expect(page.locator("[data-audience-size]")).to_have_text("2")
    page.get_by_role("button", name="Go live").click()
    expect(page.locator(".flash")).to_contain_text("is live now")
    message = Message.objects.get(workspace=workspace)
    assert message.state == "live"
    assert message.audience["rules"] == [{"attribute": "plan", "op": "is", "value": "pro"}]
