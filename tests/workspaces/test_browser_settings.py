"""The whole set-up of a new teammate, in a real Chromium with a real SMTP server on loopback: the
owner invites them from the settings, the invitation email has a link, the teammate sets a password
and signs in with it, the owner gives them a team, and they answer a conversation. Then every settings
page read on a phone-sized screen, without scrolling sideways."""

import re

import pytest

from concierge.conversations.models import Part
from concierge.conversations.services import create_tag, start_conversation
from concierge.workspaces.models import Teammate
from concierge.workspaces.services import Actor, create_api_key, create_team, invite_teammate
from tests.conftest import PASSWORD

NEW_PASSWORD = "tidy-lantern-orchard-42"


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_owner_invites_a_teammate_who_joins_gets_a_team_and_answers(
    browser, page, live_server, settings, mailbox, workspace, owner, contact
):
    settings.PUBLIC_URL = live_server.url
    conversation = start_conversation(workspace, contact=contact, body="My export fails", subject="Export")
    base = live_server.url

    # The owner invites Nia from the settings.
    sign_in(page, base, "owner@acme.test", PASSWORD)
    page.wait_for_url(f"{base}/w/acme/inbox/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.wait_for_url(f"{base}/w/acme/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Teammates").click()
    page.wait_for_url(f"{base}/w/acme/settings/teammates/")
    page.get_by_label("Email").fill("nia@acme.test")
    page.get_by_label("Name (optional)").fill("Nia")
    page.get_by_label("Role", exact=True).select_option("agent")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to nia@acme.test.").wait_for()
    invited = page.locator('.invite-row[data-email="nia@acme.test"]')
    assert "invited" in invited.inner_text().lower()

    # The invitation email, as the SMTP server received it, has the link.
    [mail] = mailbox.to("nia@acme.test")
    assert mail["Subject"] == "Olivia Owner invited you to Acme Support on Concierge"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    [link] = re.findall(rf"{re.escape(base)}/invite/[\w-]+/", text)

    # Nia opens it in her own browser, chooses her name and password, and is in.
    nia_context = browser.new_context(locale="en-US", timezone_id="Europe/Belgrade")
    nia = nia_context.new_page()
    nia.set_default_timeout(15_000)
    try:
        nia.goto(link)
        nia.get_by_role("heading", name="Join Acme Support").wait_for()
        nia.get_by_label("Your name").fill("Nia Newcomer")
        nia.get_by_label("Choose a password").fill(NEW_PASSWORD)
        nia.get_by_role("button", name="Join Acme Support").click()
        nia.wait_for_url(f"{base}/w/acme/inbox/")
        # She signs out and back in with the password she chose.
        nia.locator(".user-menu summary").click()  # her account's menu, at the foot of the side bar
        nia.get_by_role("button", name="Sign out").click()
        sign_in(nia, base, "nia@acme.test", NEW_PASSWORD)
        nia.wait_for_url(f"{base}/w/acme/inbox/")
        # The link worked once.
        nia.goto(link)
        nia.get_by_role("heading", name="This link no longer works").wait_for()

        # The owner sees her as a teammate now, not invited, and gives her a team.
        page.reload()
        assert page.locator('.invite-row[data-email="nia@acme.test"]').count() == 0
        assert "Nia Newcomer" in page.locator('.teammate-row[data-email="nia@acme.test"]').inner_text()
        page.get_by_role("navigation", name="Settings").get_by_role("link", name="Teams").click()
        page.get_by_label("Team name").fill("Billing")
        page.get_by_role("button", name="Create team").click()
        page.get_by_text("Team Billing created").wait_for()
        page.get_by_label("Add a teammate to Billing").select_option(label="Nia Newcomer")
        page.get_by_role("button", name="Add to team").click()
        page.get_by_text("Nia Newcomer is in Billing.").wait_for()

        # Nia answers the customer.
        nia.goto(f"{base}/w/acme/inbox/")
        nia.get_by_role("link", name="Casey Customer").click()
        nia.wait_for_url(f"{base}/w/acme/inbox/{conversation.pk}/")
        nia.get_by_label("Your message").fill("Hi Casey, the export is fixed now.")
        nia.get_by_role("button", name="Send reply").click()
        reply = nia.locator("#timeline .part.from-teammate").last
        reply.wait_for()
        assert "Nia Newcomer" in reply.inner_text()
    finally:
        nia_context.close()

    teammate = Teammate.objects.get(workspace=workspace, user__username="nia@acme.test")
    assert teammate.role == "agent" and teammate.name == "Nia Newcomer"
    assert list(teammate.teams.values_list("name", flat=True)) == ["Billing"]
    assert Part.objects.filter(conversation=conversation, author_teammate=teammate).exists()


SETTINGS_PAGES = ["", "teammates/", "teams/", "tags/", "api-keys/", "messenger/", "identity/", "audit/"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_settings_page_reads_on_a_wide_screen_and_a_phone(page, live_server, workspace, owner, agent):
    by_owner = Actor.for_teammate(owner)
    create_team(workspace, name="Reliability and platform operations", members=[owner, agent], actor=by_owner)
    create_tag(workspace, "a-rather-long-tag-name-about-exports", actor=by_owner)
    create_api_key(workspace, name="Warehouse sync", teammate=owner, actor=by_owner)
    invite_teammate(workspace, email="someone.with.a.long.address@example-company.test", actor=by_owner)

    sign_in(page, live_server.url, "owner@acme.test", PASSWORD)
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")
    for width, height in ((1400, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in SETTINGS_PAGES:
            page.goto(f"{live_server.url}/w/acme/settings/{path}")
            page.get_by_role("navigation", name="Settings").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, width)
