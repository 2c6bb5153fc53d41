"""In a real Chromium, on a laptop and on a phone: the user menu opens the account page, the profile
is saved and the avatar shows the new initials; a forgotten password is reset from the sign-in page."""

import re

import pytest

from tests.conftest import PASSWORD

LAPTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def sign_in(page, base_url, email="owner@acme.test", password=PASSWORD):
    page.goto(base_url + "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/w/acme/inbox/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_user_menu_opens_the_profile_and_a_saved_profile_shows_at_once(
    page, live_server, workspace, owner, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url)

    menu = page.locator("details.user-menu")
    assert not menu.get_by_role("link", name="Your profile").is_visible()
    menu.locator("summary").click()
    profile_link = menu.get_by_role("link", name="Your profile")
    assert profile_link.is_visible()
    box = page.locator(".user-menu-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # the menu fits the screen
    profile_link.click()
    page.wait_for_url(re.compile(r"/w/acme/account/"))

    page.get_by_label("Name").fill("Olivia Bennett")
    page.get_by_label("Avatar initials").fill("ob")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile is saved.").wait_for()
    assert page.locator("summary .avatar").inner_text() == "OB"
    assert page.locator(".account-identity strong").inner_text() == "Olivia Bennett"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]  # nothing runs off the side


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_reset_from_the_sign_in_page(page, live_server, owner, mailbox, settings):
    settings.PUBLIC_URL = live_server.url
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_role("button", name="Email me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    [message] = mailbox.to("owner@acme.test")
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://\S+/password-reset/\S+/)", body).group(1)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-brand-new-password")
    page.get_by_label("New password again").fill("a-brand-new-password")
    page.get_by_role("button", name="Set the new password").click()
    page.get_by_role("heading", name="Your password is changed").wait_for()
    page.get_by_role("link", name="Sign in").click()
    sign_in(page, live_server.url, password="a-brand-new-password")
