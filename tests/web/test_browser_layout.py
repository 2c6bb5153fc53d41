"""Every page of the workspace in a real Chromium, at a desk's width and a phone's: no table's last
column is cut off (a table wider than the screen sits in a container that scrolls sideways), the page
itself never scrolls sideways, and the navigation's dark column reaches the bottom of a long page."""

import pytest

from concierge.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD, seed_demo_workspace

# Tables whose right edge is outside the viewport with no scrolling container to reach it, and a page
# wider than the viewport.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  for (const table of document.querySelectorAll("main table")) {
    const rect = table.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= width + 1) continue;
    let box = table.parentElement;
    let reachable = false;
    while (box && box !== document.body) {
      if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
        reachable = box.getBoundingClientRect().right <= width + 1;
        break;
      }
      box = box.parentElement;
    }
    if (!reachable) {
      const heading = table.querySelector("th");
      problems.push(`table (${heading ? heading.textContent.trim() : "no heading"}) ends at ${Math.round(rect.right)}px`);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  return problems;
}"""


def _pages(workspace) -> list[str]:
    from concierge.contacts.models import Contact
    from concierge.conversations.models import Conversation
    from concierge.meetings.models import Booking, SessionType
    from concierge.routing.models import Rule
    from concierge.workspaces.models import Team

    slug = workspace.slug
    session_type = SessionType.objects.filter(workspace=workspace).first()
    booking = Booking.objects.filter(workspace=workspace).order_by("starts_at").first()
    trigger = session_type.triggers.first()
    period = "period=90"
    return [
        f"/w/{slug}/inbox/",
        f"/w/{slug}/inbox/{Conversation.objects.filter(workspace=workspace).first().pk}/",
        f"/w/{slug}/contacts/",
        f"/w/{slug}/contacts/{Contact.objects.filter(workspace=workspace, kind='user').first().pk}/",
        f"/w/{slug}/sessions/",
        f"/w/{slug}/sessions/?view=past",
        f"/w/{slug}/sessions/{booking.pk}/",
        f"/w/{slug}/sessions/availability/",
        f"/w/{slug}/sessions/types/",
        f"/w/{slug}/sessions/types/{session_type.pk}/",
        f"/w/{slug}/sessions/reports/?period=90",
        f"/w/{slug}/sessions/insights/?period=90",
        f"/w/{slug}/reports/support/",
        f"/w/{slug}/reports/support/sessions/?{period}",
        f"/w/{slug}/reports/support/conversations/?{period}",
        f"/w/{slug}/reports/support/sends/?{period}",
        f"/w/{slug}/settings/audit/",
        f"/w/{slug}/routing/",
        f"/w/{slug}/routing/rules/{Rule.objects.filter(workspace=workspace).last().pk}/",
        f"/w/{slug}/routing/teams/{Team.objects.filter(workspace=workspace).first().pk}/",
        f"/book/{trigger.token}/",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_cuts_a_table_off_at_a_desks_width_or_a_phones(browser, live_server):
    workspace = seed_demo_workspace(contacts=40, conversations=40, sessions=16).workspace
    problems = {}
    for width, height in ((1400, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Email").fill(DEMO_OWNER_EMAIL)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{live_server.url}/w/{workspace.slug}/**")
            for path in _pages(workspace):
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                found = page.evaluate(CUT_OFF)
                if found:
                    problems[f"{path} at {width}px"] = found
        finally:
            context.close()
    assert problems == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_navigations_column_reaches_the_bottom_of_a_long_page(browser, live_server):
    workspace = seed_demo_workspace(contacts=40, conversations=40, sessions=16).workspace
    context = browser.new_context(viewport={"width": 1400, "height": 700}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(DEMO_OWNER_EMAIL)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/w/{workspace.slug}/**")
        page.goto(f"{live_server.url}/w/{workspace.slug}/reports/support/")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height > 1400  # a long page
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        # Scrolled to the bottom, the navigation is still in view, and the column under it is painted
        # in its colour the whole height of the page (a full-page picture shows no light gap).
        seen = page.evaluate(
            """() => {
              const navigation = document.querySelector(".sidebar");
              const box = navigation.getBoundingClientRect();
              return {
                top: box.top,
                bottom: box.bottom,
                colour: getComputedStyle(navigation).backgroundColor,
                column: getComputedStyle(document.querySelector(".shell")).backgroundImage,
              };
            }"""
        )
        assert (seen["top"], seen["bottom"]) == (0, 700)
        assert seen["colour"] == "rgb(27, 33, 48)"
        assert seen["column"].startswith("linear-gradient") and "rgb(27, 33, 48) 220px" in seen["column"]
    finally:
        context.close()
