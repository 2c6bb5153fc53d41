"""A customer in a real Chromium books from the public page: the times follow the browser's zone
(Sydney), the customer switches to Kathmandu, picks a day in the month calendar, then a night-time
time, confirms it a second time, and reads the confirmation in Kathmandu time. A customer who moves
from day to day keeps what they typed, and gets there by keyboard alone. Then a customer confirms
their address from the emailed link's page."""

import re

import pytest
from playwright.sync_api import expect

KATHMANDU = "Asia/Kathmandu"


def _first_day_with(session_type, zone_name, *, night: bool):
    from concierge.meetings.selectors.slots import free_slots, slots_by_local_day

    days = slots_by_local_day(free_slots(session_type), zone_name, "en")
    day = next(d for d in days if any(slot.night == night for slot in d.slots))
    return day, next(slot for slot in day.slots if slot.night == night)


def _open_day(page, day) -> None:
    """Click the day in the calendar, moving to the next month first when it lies there."""
    link = page.locator(f'[data-slot-picker] a[data-day="{day.day.isoformat()}"]')
    if link.count() == 0:
        page.get_by_role("link", name=re.compile(r"^Next month: ")).click()
    link.click()
    expect(link).to_have_attribute("aria-current", "date")
    expect(page.locator("#times h3")).to_have_text(day.heading)


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

        page.get_by_label("Times are shown in").select_option(KATHMANDU)
        page.wait_for_url(re.compile(r"tz=Asia%2FKathmandu"))
        assert page.get_by_text("Pick a time (Kathmandu time)").is_visible()

        day, night = _first_day_with(trigger.session_type, KATHMANDU, night=True)
        _open_day(page, day)
        night_slot = page.locator("label.slot", has=page.locator(f'input[value="{night.value}"]'))
        expect(night_slot).to_have_class(re.compile(r"\bslot-night\b"))
        night_slot.click()
        page.get_by_label("Your name").fill("Kiran")
        page.get_by_label("Your email").fill("kiran@customer.test")
        page.get_by_role("button", name="Book this time").click()

        question = page.locator("[data-night-question]")
        assert (
            question.inner_text()
            == f"{day.heading} at {night.label} (night), Kathmandu time — is that right?"
        )
        page.get_by_role("button", name="Yes, book it").click()

        page.wait_for_url(re.compile(r"/book/session/.+\?booked=1"))
        confirmation = page.locator("[data-session-when]").inner_text()
        assert (
            confirmation
            == f"We'll have our session on {day.heading} at {night.label} (night), Kathmandu time."
        )
        assert page.get_by_role("heading", name="You're booked").is_visible()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pick_a_day_then_a_time_and_book_keeping_what_was_typed(browser, live_server, trigger):
    """The calendar shows only the chosen day's times; another day's link swaps the times in place
    (the name typed before stays), the keyboard stays on the chosen day, and the booking is made for
    the time picked on the second day."""
    from concierge.meetings.models import Booking
    from concierge.meetings.selectors.slots import free_slots, slots_by_local_day

    days = slots_by_local_day(free_slots(trigger.session_type), KATHMANDU, "en")
    first = days[0]
    second = next(day for day in days[1:] if any(not slot.night for slot in day.slots))
    context = browser.new_context(locale="en-US", timezone_id=KATHMANDU)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/book/{trigger.token}/?tz={KATHMANDU}")
        calendar = page.get_by_role("table", name=re.compile(r"\d{4}"))
        expect(calendar).to_be_visible()
        expect(page.locator("#times h3")).to_have_text(first.heading)
        assert page.locator("input[name=start]").count() == len(first.slots)
        expect(page.locator(f'a[data-day="{first.day.isoformat()}"]')).to_have_attribute(
            "aria-current", "date"
        )

        page.get_by_label("Your name").fill("Kiran")
        _open_day(page, second)
        second_link = page.locator(f'a[data-day="{second.day.isoformat()}"]')
        assert second_link.get_attribute("aria-label") == f"{second.heading}: {len(second.slots)} free times"
        expect(second_link).to_be_focused()
        assert page.locator("input[name=start]").count() == len(second.slots)
        expect(page.get_by_label("Your name")).to_have_value("Kiran")

        day_time = next(slot for slot in second.slots if not slot.night)
        page.locator("label.slot", has=page.locator(f'input[value="{day_time.value}"]')).click()
        page.get_by_label("Your email").fill("kiran@customer.test")
        page.get_by_role("button", name="Book this time").click()

        page.wait_for_url(re.compile(r"/book/session/.+\?booked=1"))
        booking = Booking.objects.get()
        assert booking.starts_at == day_time.start and booking.customer_name == "Kiran"
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
