"""Booking a 1:1 session: the slot offered, the agent chosen, the log written, and bad input refused
with a clear error and nothing booked."""

from datetime import timedelta

import pytest

from concierge.core.errors import Conflict, InvalidInput
from concierge.events.models import Event
from concierge.meetings.errors import CustomerIneligible, NightConfirmationNeeded
from concierge.meetings.models import Booking
from concierge.meetings.selectors.slots import free_slots
from concierge.meetings.services.booking import book_session, cancel_booking, reschedule_booking
from concierge.meetings.services.session_types import add_eligibility_rule, add_intake_question

from .conftest import utc

NOW = utc(2027, 3, 8, 0, 0)  # Monday 8 March 2027, midnight UTC
TUESDAY_3PM_UTC = utc(2027, 3, 9, 15, 0)  # 09:00 in Chicago, 15:00 in London


def book(session_type, start=TUESDAY_3PM_UTC, *, email="casey@customer.test", zone="America/New_York", **kw):
    kw.setdefault("customer_name", "Casey Customer")
    return book_session(
        session_type, start=start, timezone_name=zone, customer_email=email, at=kw.pop("at", NOW), **kw
    )


def test_a_booking_takes_an_offered_slot_and_records_it(session_type, trigger, chicago_agent, london_agent):
    slots = free_slots(session_type, at=NOW, start=TUESDAY_3PM_UTC, end=TUESDAY_3PM_UTC)
    assert [(s.start, set(s.agent_ids)) for s in slots] == [
        (TUESDAY_3PM_UTC, {chicago_agent.pk, london_agent.pk})
    ]

    booking = book(session_type, trigger=trigger, answers={})

    assert booking.status == "booked"
    assert booking.ends_at == TUESDAY_3PM_UTC + timedelta(minutes=30)
    assert booking.blocked_until == TUESDAY_3PM_UTC + timedelta(minutes=45)
    assert booking.meeting_link.startswith("https://meet.example.com/acme-")
    assert booking.checklist == [
        {"label": "Read the intake", "done": False},
        {"label": "Open the customer's workspace", "done": False},
    ]
    assert booking.contact.email == "casey@customer.test"
    assert booking.contact.timezone == "America/New_York"
    event = Event.objects.get(type="meeting.booked")
    assert event.contact == booking.contact
    assert event.data["trigger_place"] == "setup page"
    assert event.data["agent"] == booking.agent_id
    assert event.data["lead_time_seconds"] == (TUESDAY_3PM_UTC - NOW).total_seconds()


def test_bookings_spread_over_the_pool_least_recently_booked_first(session_type, chicago_agent, london_agent):
    first = book(session_type, email="a@customer.test")
    second = book(session_type, email="b@customer.test")
    assert {first.agent_id, second.agent_id} == {chicago_agent.pk, london_agent.pk}
    # The slot is now full: nobody else can have it.
    with pytest.raises(Conflict, match="just taken"):
        book(session_type, email="c@customer.test")
    # The next slot goes to whoever was booked least recently.
    third = book(session_type, TUESDAY_3PM_UTC + timedelta(hours=1), email="c@customer.test")
    assert third.agent_id == first.agent_id


def test_buffer_after_a_session_keeps_the_agent_free_for_follow_up_work(session_type, london_agent):
    london_only = [london_agent.pk]
    book(
        session_type, utc(2027, 3, 9, 10, 0), email="a@customer.test", zone="Europe/Belgrade"
    )  # London 10:00-10:30, buffer to 10:45
    starts = [s.start for s in free_slots(session_type, at=NOW, agent_ids=london_only) if s.start.day == 9]
    assert utc(2027, 3, 9, 10, 0) not in starts
    assert utc(2027, 3, 9, 10, 30) not in starts  # inside the buffer
    assert utc(2027, 3, 9, 9, 30) not in starts  # its buffer would run into the booked session
    assert utc(2027, 3, 9, 9, 0) in starts
    assert utc(2027, 3, 9, 11, 0) in starts


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (utc(2027, 3, 7, 15, 0), "in the past"),
        (NOW + timedelta(minutes=60), "2 hours' notice"),
        (utc(2027, 3, 25, 15, 0), "next 14 days"),
        (utc(2027, 3, 9, 15, 10), "not one of the offered slots"),
        (utc(2027, 3, 13, 15, 0), "not one of the offered slots"),  # a Saturday
        ("2027-03-09T15:00:00", "has no zone offset"),
        ("next tuesday", "is not a time"),
    ],
)
def test_bad_times_are_refused_and_nothing_is_booked(session_type, start, message):
    with pytest.raises(InvalidInput, match=message):
        book(session_type, start)
    assert not Booking.objects.exists()
    assert not Event.objects.filter(type="meeting.booked").exists()


def test_an_unknown_zone_is_refused(session_type):
    with pytest.raises(InvalidInput, match="not a known IANA time zone") as error:
        book(session_type, zone="Mars/Olympus_Mons")
    assert error.value.field == "timezone"
    assert not Booking.objects.exists()


def test_iso_text_with_an_offset_is_the_same_instant(session_type):
    booking = book(session_type, "2027-03-09T10:00:00-05:00")
    assert booking.starts_at == TUESDAY_3PM_UTC


def test_intake_answers_are_checked(session_type):
    add_intake_question(session_type, label="What do you expect from the session?", key="expectation")
    add_intake_question(session_type, label="Plan", key="plan", kind="choice", choices=["Free", "Pro"])
    add_intake_question(session_type, label="Your site", key="site", kind="url", required=False)
    with pytest.raises(InvalidInput, match="Please answer"):
        book(session_type, answers={"plan": "Pro"})
    with pytest.raises(InvalidInput, match="must be one of: Free, Pro"):
        book(session_type, answers={"expectation": "Setup help", "plan": "Gold"})
    with pytest.raises(InvalidInput, match="web address"):
        book(
            session_type, answers={"expectation": "Setup help", "plan": "Pro", "site": "javascript:alert(1)"}
        )
    with pytest.raises(InvalidInput, match="Unknown question"):
        book(session_type, answers={"expectation": "Setup help", "plan": "Pro", "extra": "x"})
    assert not Booking.objects.exists()
    booking = book(
        session_type, answers={"expectation": "Setup help", "plan": "Pro", "site": "https://shop.example"}
    )
    assert booking.answers == {"expectation": "Setup help", "plan": "Pro", "site": "https://shop.example"}


def test_an_ineligible_customer_is_told_why_at_once(session_type, workspace, contact):
    from concierge.contacts.services import update_contact

    add_intake_question(session_type, label="Topic", key="topic", kind="choice", choices=["Setup", "Billing"])
    add_eligibility_rule(
        session_type,
        source="answer",
        key="topic",
        value="Billing",
        message="Billing questions are answered fastest in a conversation.",
        alternative_url="https://help.example.com/billing",
        alternative_label="Billing guide",
    )
    add_eligibility_rule(
        session_type,
        source="attribute",
        key="plan",
        operator="in",
        value=["free", "trial"],
        message="1:1 sessions come with paid plans.",
    )
    with pytest.raises(CustomerIneligible, match="answered fastest in a conversation") as error:
        book(session_type, answers={"topic": "Billing"})
    assert error.value.alternative_url == "https://help.example.com/billing"

    update_contact(contact, attributes={"plan": "Free"})
    with pytest.raises(CustomerIneligible, match="paid plans"):
        book(session_type, contact=contact, answers={"topic": "Setup"})
    assert not Booking.objects.exists()
    declined = Event.objects.filter(type="meeting.declined")
    assert [e.data["by"] for e in declined] == ["rules", "rules"]

    update_contact(contact, attributes={"plan": "Pro"})
    assert book(session_type, contact=contact, answers={"topic": "Setup"}).contact == contact


def test_a_night_slot_needs_a_second_confirmation_that_spells_it_out(session_type):
    # 15:00 UTC is 02:00 the next morning in Sydney (AEDT, +11).
    with pytest.raises(NightConfirmationNeeded) as error:
        book(session_type, zone="Australia/Sydney")
    assert error.value.question == "Wednesday 10 March at 2:00 AM (night), Sydney time — is that right?"
    assert not Booking.objects.exists()
    booking = book(session_type, zone="Australia/Sydney", confirm_night=True)
    assert booking.customer_timezone == "Australia/Sydney"


def test_reschedule_moves_the_booking_and_frees_the_old_time(session_type, london_agent):
    booking = book(session_type, utc(2027, 3, 9, 10, 0), zone="Europe/Belgrade")
    assert booking.agent == london_agent
    moved = reschedule_booking(booking, start=utc(2027, 3, 10, 11, 0), at=NOW)
    assert (moved.starts_at, moved.agent_id, moved.sequence) == (utc(2027, 3, 10, 11, 0), london_agent.pk, 1)
    assert utc(2027, 3, 9, 10, 0) in [s.start for s in free_slots(session_type, at=NOW)]
    event = Event.objects.get(type="meeting.rescheduled")
    assert event.data["previous_starts_at"] == "2027-03-09T10:00:00+00:00"
    with pytest.raises(InvalidInput, match="not one of the offered slots"):
        reschedule_booking(moved, start=utc(2027, 3, 13, 11, 0), at=NOW)


def test_cancel_frees_the_slot_and_cannot_happen_twice(session_type):
    booking = book(session_type, utc(2027, 3, 9, 10, 0), zone="Europe/Belgrade")
    cancel_booking(booking, by="customer", reason="Found the answer", at=NOW)
    assert utc(2027, 3, 9, 10, 0) in [s.start for s in free_slots(session_type, at=NOW)]
    with pytest.raises(Conflict, match="cancelled"):
        cancel_booking(booking, at=NOW)
    assert Event.objects.filter(type="meeting.cancelled").count() == 1


def test_a_workspace_goes_with_its_sessions_but_a_booked_session_type_stays(session_type, workspace):
    from django.db.models import RestrictedError

    book(session_type)
    with pytest.raises(RestrictedError):
        session_type.delete()
    workspace.delete()
    assert not Booking.objects.exists()
