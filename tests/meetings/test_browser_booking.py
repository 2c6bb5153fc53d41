"""A customer in a real Chromium books from the public page: the times follow the browser's zone
(Sydney), the customer switches to Kathmandu, picks a night-time slot, confirms it a second time,
and reads the confirmation in Kathmandu time."""

import re

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_book_a_night_slot_from_another_zone_and_see_the_city_time(browser, live_server, trigger):
    context = browser.new_context(locale="en-US", timezone_id="Australia/Sydney")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/book/{trigger.token}/")
        page.wait_for_url(re.compile(r"tz=Australia%2FSydney"))
        assert page.get_by_text("Pick a time (Sydney time)").is_visible()

        page.get_by_label("Times are shown in").select_option("Asia/Kathmandu")
        page.wait_for_url(re.compile(r"tz=Asia%2FKathmandu"))
        assert page.get_by_text("Pick a time (Kathmandu time)").is_visible()

        night_slot = page.locator(".slot-night").first
        hour = night_slot.locator("span").inner_text().replace("night", "").strip()
        day = night_slot.locator("xpath=ancestor::div[@class='slot-day']/h3").text_content().strip()
        night_slot.click()
        page.get_by_label("Your name").fill("Kiran")
        page.get_by_label("Your email").fill("kiran@customer.test")
        page.get_by_role("button", name="Book this time").click()

        question = page.locator("[data-night-question]")
        assert question.inner_text() == f"{day} at {hour} (night), Kathmandu time — is that right?"
        page.get_by_role("button", name="Yes, book it").click()

        page.wait_for_url(re.compile(r"/book/session/.+\?booked=1"))
        confirmation = page.locator("[data-session-when]").inner_text()
        assert confirmation == f"We'll have our session on {day} at {hour} (night), Kathmandu time."
        assert page.get_by_role("heading", name="You're booked").is_visible()
    finally:
        context.close()
