"""The inbox's keyboard shortcuts, row selection and search in a real Chromium."""

import pytest

from concierge.conversations import services
from concierge.conversations.models import Conversation
from tests.conftest import PASSWORD


def sign_in(page, live_server, slug: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/{slug}/**")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_shortcuts_move_act_and_wait_while_typing(page, live_server, workspace, owner, contact):
    made = [
        services.start_conversation(
            workspace, contact=contact, body=f"Question number {n}", subject=f"Subject {n}"
        )
        for n in range(3)
    ]
    newest_first = list(reversed(made))
    page.set_default_timeout(60_000)  # a loaded machine
    sign_in(page, live_server, workspace.slug)
    page.goto(f"{live_server.url}/w/{workspace.slug}/inbox/")
    detail = page.locator("#detail-pane .conversation")

    page.keyboard.press("j")
    page.wait_for_selector(f'#detail-pane .conversation[data-conversation-id="{newest_first[0].pk}"]')
    page.keyboard.press("j")
    page.wait_for_selector(f'#detail-pane .conversation[data-conversation-id="{newest_first[1].pk}"]')
    page.keyboard.press("k")
    page.wait_for_selector(f'#detail-pane .conversation[data-conversation-id="{newest_first[0].pk}"]')
    assert detail.count() == 1

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    page.keyboard.press("x")  # selects the current row for a bulk action
    assert page.locator("#bulk-count").inner_text() == "1 selected"

    page.keyboard.press("/")  # search; typing there is typing, not shortcuts
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.type("jk")
    page.wait_for_timeout(200)
    assert (
        page.locator(f'#detail-pane .conversation[data-conversation-id="{newest_first[0].pk}"]').count() == 1
    )
    page.locator("#id_q").fill("")
    page.locator("#id_q").press("Enter")  # the list without the search typed above
    page.locator("a[data-conversation-id]").first.wait_for()

    page.locator("a[data-conversation-id]").first.focus()
    page.keyboard.press("a")  # assign to me
    page.wait_for_function("() => !document.querySelector('#conversation-side [data-assign-me]')")
    assert Conversation.objects.get(pk=newest_first[0].pk).assignee_id == owner.pk

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "composer-body"
    page.keyboard.type("ejk")  # letters in the composer stay letters
    assert page.locator("#composer-body").input_value() == "ejk"
    page.locator("#composer-body").fill("")
    page.locator("#composer-body").blur()

    page.keyboard.press("e")  # close
    page.wait_for_selector("#conversation-header .badge-closed")
    assert Conversation.objects.get(pk=newest_first[0].pk).state == "closed"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_shift_click_selects_a_range_and_bulk_closes_it(page, live_server, workspace, contact):
    for n in range(5):
        services.start_conversation(workspace, contact=contact, body=f"Walrus {n}", subject=f"Walrus {n}")
    page.set_default_timeout(60_000)  # a loaded machine
    sign_in(page, live_server, workspace.slug)
    page.goto(f"{live_server.url}/w/{workspace.slug}/inbox/?q=walrus")
    boxes = page.locator("input[data-row-select]")
    assert boxes.count() == 5
    boxes.nth(0).click()
    boxes.nth(3).click(modifiers=["Shift"])
    assert page.locator("#bulk-count").inner_text() == "4 selected"
    page.get_by_role("button", name="Close", exact=True).click()
    page.locator(".bulk-summary").wait_for()
    assert page.locator(".bulk-summary").inner_text() == "4 closed."
    assert Conversation.objects.filter(workspace=workspace, state="closed").count() == 4
