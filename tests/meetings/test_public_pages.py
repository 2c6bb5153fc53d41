"""The customer's booking pages: slots in their zone and language, the night-time check, the intake's
eligibility message, the confirmation in city time, and the signed reschedule/cancel links."""

import re

import pytest

from concierge.meetings.links import manage_token
from concierge.meetings.models import Booking
from concierge.meetings.selectors.slots import free_slots, slots_by_local_day
from concierge.meetings.services.session_types import add_eligibility_rule, add_intake_question

KATHMANDU = "Asia/Kathmandu"


@pytest.fixture
def page_url(trigger):
    return f"/book/{trigger.token}/"


def _slot_value(session_type, zone, *, night: bool) -> str:
    days = slots_by_local_day(free_slots(session_type), zone, "en")
    return next(c.value for d in days for c in d.slots if c.night == night)


def _form(session_type, zone, start, **extra):
    return {
        "timezone": zone,
        "lang": "en",
        "start": start,
        "name": "Kim",
        "email": "kim@customer.test",
        **extra,
    }


def test_the_page_lists_slots_in_the_chosen_zone_named_by_city(client, page_url, session_type):
    page = client.get(page_url, {"tz": KATHMANDU}).content.decode()
    assert "Pick a time (Kathmandu time)" in page
    assert 'value="Asia/Kathmandu" selected' in page
    first = slots_by_local_day(free_slots(session_type), KATHMANDU, "en")[0]
    assert f"<h3>{first.heading}</h3>" in page
    assert f'value="{first.slots[0].value}"' in page and first.slots[0].value.endswith("+05:45")


def test_the_page_speaks_the_browsers_language(client, page_url):
    page = client.get(page_url, {"tz": "Europe/Berlin"}, headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert page["Content-Language"] == "de"
    text = page.content.decode()
    assert 'value="de" selected' in text
    assert "Wählen Sie eine Zeit (Ortszeit Berlin)" in text
    assert "Diese Zeit buchen" in text


def test_a_night_slot_asks_again_then_books_and_confirms_in_city_time(client, page_url, session_type):
    start = _slot_value(session_type, KATHMANDU, night=True)
    asked = client.post(page_url, _form(session_type, KATHMANDU, start))
    text = asked.content.decode()
    question = re.search(r"data-night-question>(.*?)</p>", text).group(1)
    assert question.endswith("(night), Kathmandu time — is that right?")
    assert not Booking.objects.exists()

    booked = client.post(page_url, _form(session_type, KATHMANDU, start, confirm_night="yes"))
    booking = Booking.objects.get()
    assert booked.status_code == 302
    assert booked["Location"] == f"/book/session/{manage_token(booking)}/?booked=1"
    confirmation = client.get(booked["Location"]).content.decode()
    when = question.removesuffix(" — is that right?")
    assert f"We'll have our session on {when}." in confirmation
    assert booking.customer_timezone == KATHMANDU


def test_bad_input_is_shown_on_the_form_and_books_nothing(client, page_url, session_type):
    missing = client.post(page_url, _form(session_type, KATHMANDU, ""))
    assert missing.status_code == 422
    assert "Please pick a time." in missing.content.decode()
    not_offered = client.post(page_url, _form(session_type, KATHMANDU, "2031-01-01T03:07:00+05:45"))
    assert not_offered.status_code == 422
    start = _slot_value(session_type, KATHMANDU, night=False)
    bad_email = client.post(page_url, {**_form(session_type, KATHMANDU, start), "email": "not-an-email"})
    assert "is not a valid email address" in bad_email.content.decode()
    assert not Booking.objects.exists()


def test_an_ineligible_answer_is_told_at_once_and_refused(client, page_url, session_type, trigger):
    add_intake_question(session_type, label="Topic", key="topic", kind="choice", choices=["Setup", "Billing"])
    add_eligibility_rule(
        session_type,
        source="answer",
        key="topic",
        value="Billing",
        message="Billing is answered in a conversation.",
    )
    fragment = client.post(f"/book/{trigger.token}/eligibility/", {"answer_topic": "Billing"})
    assert "Billing is answered in a conversation." in fragment.content.decode()
    assert (
        client.post(f"/book/{trigger.token}/eligibility/", {"answer_topic": "Setup"}).content.strip() == b""
    )
    start = _slot_value(session_type, KATHMANDU, night=False)
    refused = client.post(page_url, _form(session_type, KATHMANDU, start, answer_topic="Billing"))
    assert refused.status_code == 403
    assert "Billing is answered in a conversation." in refused.content.decode()
    assert not Booking.objects.exists()


def test_the_signed_links_reschedule_and_cancel_and_a_tampered_one_is_refused(client, page_url, session_type):
    start = _slot_value(session_type, KATHMANDU, night=False)
    client.post(page_url, _form(session_type, KATHMANDU, start))
    booking = Booking.objects.get()
    signed = manage_token(booking)

    tampered = client.get(f"/book/session/{signed[:-3]}abc/reschedule/")
    assert tampered.status_code == 422
    assert "not valid" in tampered.content.decode()

    other = next(
        c.value
        for d in slots_by_local_day(free_slots(session_type, exclude_booking_id=booking.pk), KATHMANDU, "en")
        for c in d.slots
        if not c.night and c.value != start
    )
    moved = client.post(
        f"/book/session/{signed}/reschedule/", {"timezone": KATHMANDU, "lang": "en", "start": other}
    )
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at.isoformat() != start and booking.sequence == 1

    assert client.post(f"/book/session/{signed}/cancel/", {"reason": "Solved"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert "is cancelled" in client.get(f"/book/session/{signed}/").content.decode()


def test_an_unknown_booking_link_is_a_404(client, db):
    assert client.get("/book/no-such-link/").status_code == 404


def _days(session_type, zone=KATHMANDU, locale="en"):
    return slots_by_local_day(free_slots(session_type), zone, locale)


def _radio_values(text: str) -> list[str]:
    return re.findall(r'type="radio" name="start" value="([^"]+)"', text)


def test_the_page_shows_a_month_calendar_and_only_the_chosen_days_times(client, page_url, session_type):
    """Not every free time at once: a month of days (those with free times are labelled links, the
    first of them chosen), and that day's times."""
    days = _days(session_type)
    first = days[0]
    text = client.get(page_url, {"tz": KATHMANDU}).content.decode()
    assert _radio_values(text) == [slot.value for slot in first.slots]
    assert sum(len(day.slots) for day in days) > len(first.slots)
    chosen = re.search(
        r'<a class="calendar-day is-chosen" href="([^"]+)" aria-label="([^"]+)" aria-current="date"', text
    )
    assert chosen.group(2) == f"{first.heading}: {len(first.slots)} free times"
    assert f"day={first.day.isoformat()}" in chosen.group(1)
    assert '<th scope="col"><abbr title="Sunday">Sun</abbr></th>' in text
    assert f'id="calendar-month" aria-live="polite">{first.day:%B %Y}</p>' in text
    in_month = [day for day in days if day.day.month == first.day.month]
    assert text.count('class="calendar-day"') + text.count('class="calendar-day is-chosen"') == len(in_month)


def test_a_days_link_shows_that_days_times_and_the_month_arrows_move(client, page_url, session_type):
    days = _days(session_type)
    later = days[-1]
    text = client.get(page_url, {"tz": KATHMANDU, "day": later.day.isoformat()}).content.decode()
    assert _radio_values(text) == [slot.value for slot in later.slots]
    assert f"<h3>{later.heading}</h3>" in text
    assert f'data-day="{later.day.isoformat()}">' in text and 'aria-current="date"' in text
    if later.day.month != days[0].day.month:
        assert "Previous month: " in text and 'rel="next"' not in text
        back = client.get(page_url, {"tz": KATHMANDU, "month": f"{days[0].day:%Y-%m}"}).content.decode()
        assert 'rel="next"' in back and "Next month: " in back and 'rel="prev"' not in back
        assert _radio_values(back) == [slot.value for slot in days[0].slots]


def test_a_day_or_month_that_is_no_date_or_has_no_times_falls_back_to_the_first_free_day(
    client, page_url, session_type
):
    first = _days(session_type)[0]
    for asked in ({"day": "not-a-day"}, {"day": "1999-01-01"}, {"month": "2999-99"}, {"month": "1999-01"}):
        page = client.get(page_url, {"tz": KATHMANDU, **asked})
        assert page.status_code == 200, asked
        assert _radio_values(page.content.decode()) == [slot.value for slot in first.slots], asked


def test_the_calendar_speaks_the_customers_language(client, page_url, session_type):
    first = _days(session_type, "Europe/Berlin", "de")[0]
    text = client.get(page_url, {"tz": "Europe/Berlin", "lang": "de"}).content.decode()
    assert "Wählen Sie einen Tag" in text
    assert '<th scope="col"><abbr title="Montag">Mo</abbr></th>' in text  # the week starts on Monday
    assert f'aria-label="{first.heading}: {len(first.slots)} freie Zeiten"' in text


def test_a_refused_booking_shows_the_posted_times_day_with_the_time_still_picked(
    client, page_url, session_type
):
    days = _days(session_type)
    later = next(day for day in days[1:] if any(not slot.night for slot in day.slots))
    start = next(slot.value for slot in later.slots if not slot.night)
    refused = client.post(page_url, {**_form(session_type, KATHMANDU, start), "email": "not-an-email"})
    text = refused.content.decode()
    assert refused.status_code == 422
    assert f"<h3>{later.heading}</h3>" in text
    assert f'value="{start}" checked' in text
    assert not Booking.objects.exists()
