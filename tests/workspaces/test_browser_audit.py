"""An owner in a real Chromium opens the audit trail from the settings, filters it, and reads it on a
phone-sized screen without scrolling sideways."""

import pytest

from concierge.workspaces.services import Actor, add_team_member, create_team, update_workspace
from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_owner_opens_filters_and_reads_the_trail_on_a_phone(page, live_server, workspace, owner, agent):
    by_owner = Actor.for_teammate(owner)
    team = create_team(workspace, name="Billing", actor=by_owner)
    add_team_member(team, agent, actor=by_owner)
    update_workspace(workspace, timezone_name="Europe/Paris", actor=by_owner)

    page.goto(live_server.url + "/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")

    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(f"{live_server.url}/w/acme/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Audit trail").click()
    page.wait_for_url(f"{live_server.url}/w/acme/settings/audit/")
    entries = page.locator(".audit-entry")
    first = entries.first
    assert "Workspace settings changed" in first.inner_text()
    assert "America/New_York" in first.inner_text() and "Europe/Paris" in first.inner_text()
    assert "Olivia Owner" in first.inner_text()
    assert entries.count() == 6  # the three above, the agent and the owner joining, the workspace

    page.get_by_label("What").select_option(label="Teams")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"{live_server.url}/w/acme/settings/audit/?action=team*")
    assert entries.count() == 2
    assert "Team member added" in entries.first.inner_text() and "Avery Agent" in entries.first.inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    entries.first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_role("button", name="Filter").is_visible()
