"""The rule editor in a real Chromium: a row added with HTMX is saved with the rule."""

import pytest

from concierge.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD, seed_demo_workspace
from concierge.routing.models import Rule


def sign_in(page, live_server, slug: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(DEMO_OWNER_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/{slug}/**")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_action_row_added_in_the_editor_is_saved(page, live_server):
    workspace = seed_demo_workspace(contacts=30, conversations=30, sessions=0).workspace
    rule = Rule.objects.filter(workspace=workspace).last()
    sign_in(page, live_server, workspace.slug)
    page.goto(f"{live_server.url}/w/{workspace.slug}/routing/rules/{rule.pk}/")
    assert page.get_by_role("heading", name="Preview").is_visible()
    page.get_by_role("button", name="Add an action").click()
    page.locator("#action-rows .action-row").nth(1).wait_for()
    page.locator("#action-rows .action-row").nth(1).get_by_label("Action").select_option("set_priority")
    page.locator("#action-rows .action-row").nth(1).get_by_label("Which").select_option("urgent")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url(f"**/routing/rules/{rule.pk}/")
    rule.refresh_from_db()
    assert rule.actions[-1] == {"type": "set_priority", "priority": "urgent"}
