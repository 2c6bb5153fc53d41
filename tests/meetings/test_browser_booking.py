"""A customer in a real Chromium books from the public page: the times follow the browser's zone
(Sydney), the customer switches to Kathmandu, picks a night-time slot, confirms it a second time,
and reads the confirmation in Kathmandu time. Then a customer confirms their address from the
emailed link's page."""

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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_customer_confirms_their_address_from_the_emailed_link_with_the_button(
    browser, live_server, settings, trigger, contact
):
    """Opening the link (as a mail scanner would) confirms nothing; the button does, with the page's
    own CSRF token, and the session then belongs to the customer with that address."""
    from concierge.meetings.links import confirm_email_url
    from concierge.meetings.models import Booking
    from concierge.meetings.selectors.slots import free_slots
    from concierge.meetings.services.booking import book_session

    start = free_slots(trigger.session_type)[0].start
    booking = book_session(
        trigger.session_type,
        trigger=trigger,
        start=start,
        timezone_name="Europe/London",
        customer_name="Casey",
        customer_email=contact.email,
        confirm_night=True,
    )
    settings.PUBLIC_URL = live_server.url
    link = confirm_email_url(booking)
    context = browser.new_context(locale="en-US", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(link)
        assert page.get_by_role("heading", name="Is this your session?").is_visible()
        booking.refresh_from_db()
        assert booking.email_confirmed_at is None

        page.get_by_role("button", name="Yes, this is my session").click()
        page.wait_for_url(re.compile(r"/book/session/.+\?confirmed=1"))
        assert page.get_by_text(f"Thank you: {contact.email} is confirmed for this session.").is_visible()
        booking = Booking.objects.get(pk=booking.pk)
        assert booking.email_confirmed_at is not None and booking.contact == contact
    finally:
        context.close()
