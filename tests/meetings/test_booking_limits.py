"""Booking without being verified is limited: so many upcoming sessions waiting for their email
confirmation per client address, per email and per booking link, and so many attempts per client
address in an hour. A refusal is a 429 with Retry-After in the API and a form error on the page; a
verified customer is not limited."""

import json

from django.test import Client

from concierge.meetings.links import confirm_email_token, manage_token
from concierge.meetings.models import Booking
from concierge.meetings.selectors.slots import free_slots, slots_by_local_day
from concierge.meetings.services.session_types import create_booking_trigger
from tests.api_client import messenger_for_user, messenger_for_visitor

ZONE = "Europe/Belgrade"


def next_start(session_type) -> str:
    days = slots_by_local_day(free_slots(session_type), ZONE, "en")
    return next(choice.value for day in days for choice in day.slots if not choice.night)


def book_by_link(session_type, token, *, email, address="203.0.113.7", start=None, **headers):
    return Client().post(
        f"/api/v1/booking-links/{token}/bookings",
        json.dumps(
            {"start": start or next_start(session_type), "timezone": ZONE, "name": "Pat", "email": email}
        ),
        content_type="application/json",
        REMOTE_ADDR=address,
        **headers,
    )


def test_one_client_cannot_take_every_slot(session_type, trigger):
    """The busy day's report: one client booked 40 of 40 slots. Now the sixth waits for confirmations."""
    outcomes = [
        book_by_link(session_type, trigger.token, email=f"person{n}@example.test").status_code
        for n in range(8)
    ]
    assert outcomes == [201] * 5 + [429] * 3
    refused = book_by_link(session_type, trigger.token, email="one-more@example.test")
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused.json()["detail"] == (
        "5 sessions booked from your network are still waiting for the email address to be confirmed. "
        "Follow the link in the confirmation emails (or cancel one), then book again."
    )
    assert Booking.objects.count() == 5

    # Another client is not held up; a confirmed session, or a cancelled one, no longer counts.
    assert (
        book_by_link(session_type, trigger.token, email="x@example.test", address="198.51.100.1").status_code
        == 201
    )
    first, second = Booking.objects.filter(booked_from__isnull=False).order_by("id")[:2]
    Client().post(f"/book/confirm-email/{confirm_email_token(first)}/")
    assert book_by_link(session_type, trigger.token, email="y@example.test").status_code == 201
    assert book_by_link(session_type, trigger.token, email="z@example.test").status_code == 429
    Client().post(f"/book/session/{manage_token(second)}/cancel/", {"reason": ""})
    assert book_by_link(session_type, trigger.token, email="z@example.test").status_code == 201


def test_fresh_messenger_visitors_from_one_client_are_limited_too(workspace, session_type, trigger, contact):
    outcomes = []
    for n in range(7):
        visitor = messenger_for_visitor(workspace, f"fresh-{n}")
        response = visitor.client.post(
            f"/api/v1/messenger/sessions/links/{trigger.token}/bookings",
            json.dumps({"start": next_start(session_type), "timezone": ZONE, "email": f"v{n}@example.test"}),
            content_type="application/json",
            headers=visitor.headers,
            REMOTE_ADDR="203.0.113.7",
        )
        outcomes.append(response.status_code)
    assert outcomes == [201] * 5 + [429] * 2
    # The signed-in customer from the same address is verified: not limited.
    signed_in = messenger_for_user(workspace, contact.external_id)
    mine = signed_in.client.post(
        f"/api/v1/messenger/sessions/links/{trigger.token}/bookings",
        json.dumps({"start": next_start(session_type), "timezone": ZONE}),
        content_type="application/json",
        headers=signed_in.headers,
        REMOTE_ADDR="203.0.113.7",
    )
    assert mine.status_code == 201, mine.content


def test_one_email_holds_at_most_three_unconfirmed_sessions(client, session_type, trigger):
    for n in range(3):
        assert (
            book_by_link(
                session_type, trigger.token, email="Kim@Example.test", address=f"198.51.100.{n}"
            ).status_code
            == 201
        )
    refused = book_by_link(session_type, trigger.token, email="kim@example.test", address="192.0.2.1")
    assert refused.status_code == 429
    assert refused.json()["field"] == "email"
    assert refused.json()["detail"].startswith("3 sessions booked for kim@example.test are still waiting")

    # On the page: the form says so, with what was typed kept.
    form = {
        "timezone": ZONE,
        "lang": "en",
        "start": next_start(session_type),
        "name": "Kim",
        "email": "kim@example.test",
    }
    page = client.post(f"/book/{trigger.token}/", form, REMOTE_ADDR="192.0.2.2")
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    text = page.content.decode()
    assert 'class="form-error"' in text and "3 sessions booked for kim@example.test are still waiting" in text
    assert 'value="kim@example.test"' in text
    assert Booking.objects.count() == 3


def test_one_link_holds_so_many_unconfirmed_sessions_and_a_verified_customer_still_books(
    settings, workspace, session_type, trigger, contact
):
    settings.MEETINGS_UNCONFIRMED_PER_LINK = 4
    for n in range(4):
        booked = book_by_link(
            session_type, trigger.token, email=f"p{n}@example.test", address=f"198.51.100.{n}"
        )
        assert booked.status_code == 201
    refused = book_by_link(session_type, trigger.token, email="p9@example.test", address="192.0.2.9")
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "Many sessions booked from this link are still waiting for their email address to be confirmed. "
        "Please try again later, or write to us."
    )
    other_link = create_booking_trigger(session_type, place="pricing page")
    assert (
        book_by_link(session_type, other_link.token, email="p9@example.test", address="192.0.2.9").status_code
        == 201
    )
    signed_in = messenger_for_user(workspace, contact.external_id)
    mine = signed_in.post(
        f"/messenger/sessions/links/{trigger.token}/bookings",
        {"start": next_start(session_type), "timezone": ZONE},
    )
    assert mine.status_code == 201, mine.content


def test_attempts_per_client_address_are_counted_per_hour(settings, clock, session_type, trigger):
    settings.MEETINGS_BOOKING_ATTEMPTS_PER_HOUR = 4
    for _ in range(4):
        bad = book_by_link(session_type, trigger.token, email="kim@example.test", start="tomorrow at two")
        assert bad.status_code == 422
    refused = book_by_link(session_type, trigger.token, email="kim@example.test")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(
        "Too many booking attempts from your network (4 an hour). Wait "
    )
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert (
        book_by_link(
            session_type, trigger.token, email="kim@example.test", address="198.51.100.1"
        ).status_code
        == 201
    )
    clock.advance(hours=1)
    assert book_by_link(session_type, trigger.token, email="kim@example.test").status_code == 201


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(settings, session_type, trigger):
    settings.MEETINGS_UNCONFIRMED_PER_ADDRESS = 1
    proxy = "10.0.0.2"
    first = book_by_link(
        session_type, trigger.token, email="a@example.test", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert first.status_code == 201
    # Without TRUSTED_PROXIES the header is the client's own word: ignored, every request is the proxy's.
    second = book_by_link(
        session_type,
        trigger.token,
        email="b@example.test",
        address=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert second.status_code == 429
    assert second.json()["detail"].startswith("1 session booked from your network is still waiting for")
    settings.TRUSTED_PROXIES = 1
    assert (
        book_by_link(
            session_type,
            trigger.token,
            email="b@example.test",
            address=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        ).status_code
        == 201
    )
    assert (
        book_by_link(
            session_type,
            trigger.token,
            email="c@example.test",
            address=proxy,
            HTTP_X_FORWARDED_FOR="5.6.7.8, 198.51.100.1",
        ).status_code
        == 429
    )


def test_a_limit_of_none_closes_the_link_to_unverified_bookers_with_a_clear_answer(
    settings, workspace, session_type, trigger, contact
):
    settings.MEETINGS_UNCONFIRMED_PER_LINK = 0
    refused = book_by_link(session_type, trigger.token, email="kim@example.test")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 3600
    signed_in = messenger_for_user(workspace, contact.external_id)
    booked = signed_in.post(
        f"/messenger/sessions/links/{trigger.token}/bookings",
        {"start": next_start(session_type), "timezone": ZONE},
    )
    assert booked.status_code == 201
