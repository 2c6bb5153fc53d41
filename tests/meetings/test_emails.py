"""Emails about a booking, received by a real SMTP server on loopback: the customer reads the time in
their own city and language, the agent in theirs, each with an iCalendar invite at that local time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from concierge.events.models import Event
from concierge.meetings.errors import NightConfirmationNeeded
from concierge.meetings.local_time import day_heading
from concierge.meetings.services.booking import book_session, decline_booking
from concierge.meetings.services.followup import send_follow_up
from concierge.meetings.services.outcomes import mark_no_show, mark_session_held

from .conftest import utc

NOW = utc(2027, 3, 8, 0, 0)
MONDAY_AFTER_US_CHANGE = utc(2027, 3, 15, 14, 0)  # 09:00 CDT in Chicago; London is busy elsewhere


def invite_of(message) -> Calendar:
    parts = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_content())


def invite_start(message) -> datetime:
    events = invite_of(message).walk("VEVENT")
    assert len(events) == 1
    return events[0].decoded("dtstart")


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(
    ("zone", "expected", "local_hour"),
    [
        ("America/Los_Angeles", "Monday 15 March at 7:00 AM, Los Angeles time", 7),
        ("America/New_York", "Monday 15 March at 10:00 AM, New York time", 10),
        ("Europe/Belgrade", "Monday 15 March at 3:00 PM, Belgrade time", 15),
        ("Asia/Kathmandu", "Monday 15 March at 7:45 PM, Kathmandu time", 19),
        ("Australia/Sydney", "Tuesday 16 March at 1:00 AM (night), Sydney time", 1),
    ],
)
def test_the_confirmation_states_the_customers_city_time_and_the_agents_their_own(
    session_type, london_agent, chicago_agent, mailbox, run_tasks, zone, expected, local_hour
):
    booking = book_session(
        session_type,
        start=MONDAY_AFTER_US_CHANGE,
        timezone_name=zone,
        customer_name="Casey",
        customer_email="casey@customer.test",
        confirm_night=True,
        at=NOW,
    )
    assert booking.agent == chicago_agent  # 14:00 UTC is also London's working time: pick by spreading
    assert run_tasks() == ["sent", "sent"]

    [to_customer] = mailbox.to("casey@customer.test")
    assert to_customer["Subject"] == f"Your 1:1 session: {expected}"
    text = body_of(to_customer)
    assert f"We'll have our session on {expected}." in text
    assert "UTC" not in text and "Chicago" not in text
    assert "/book/session/" in text and "/reschedule/" in text and "/cancel/" in text
    start = invite_start(to_customer)
    assert str(start.tzinfo) == zone
    assert (start.hour, start.astimezone(ZoneInfo("UTC"))) == (local_hour, MONDAY_AFTER_US_CHANGE)
    assert "BEGIN:VTIMEZONE" in invite_of(to_customer).to_ical().decode()

    [to_agent] = mailbox.to("chi@acme.test")
    assert "You'll have a session with Casey on Monday 15 March at 9:00 AM, Chicago time." in body_of(
        to_agent
    )
    agent_start = invite_start(to_agent)
    assert (str(agent_start.tzinfo), agent_start.hour) == ("America/Chicago", 9)


def test_the_customer_reads_their_own_language(session_type, mailbox, run_tasks):
    book_session(
        session_type,
        start=MONDAY_AFTER_US_CHANGE,
        timezone_name="Europe/Berlin",
        locale="de",
        customer_name="Dana",
        customer_email="dana@customer.test",
        at=NOW,
    )
    run_tasks()
    [message] = mailbox.to("dana@customer.test")
    assert message["Subject"].strip() == "Ihre 1:1-Sitzung: Montag, 15. März um 15:00, Ortszeit Berlin"
    text = body_of(message)
    assert "Hallo Dana," in text
    assert "Wir haben unsere Sitzung am Montag, 15. März um 15:00, Ortszeit Berlin." in text
    # The agent in Chicago still reads English, in their own time.
    [to_agent] = mailbox.to("chi@acme.test")
    assert "You'll have a session with Dana on Monday 15 March at 9:00 AM, Chicago time." in body_of(to_agent)


def test_a_night_time_question_in_serbian(session_type):
    with pytest.raises(NightConfirmationNeeded) as error:
        book_session(
            session_type,
            start=utc(2027, 3, 16, 0, 0),  # Adelaide 10:30 on Tuesday: 01:00 in Belgrade
            timezone_name="Europe/Belgrade",
            locale="sr_Latn",
            customer_name="Mila",
            customer_email="mila@customer.test",
            at=NOW,
        )
    # The day as the locale's CLDR data spells it (its punctuation changes between CLDR releases).
    day = day_heading(date(2027, 3, 16), "sr_Latn")
    assert day.startswith("utorak") and day.endswith("16. mart")
    assert error.value.question == f"{day} u 01:00 (noću), lokalno vreme: Beograd — da li je to tačno?"


def test_a_decline_tells_the_customer_at_once_and_frees_the_slot(
    session_type, chicago_agent, mailbox, run_tasks
):
    booking = book_session(
        session_type,
        start=MONDAY_AFTER_US_CHANGE,
        timezone_name="America/New_York",
        customer_name="Casey",
        customer_email="casey@customer.test",
        answers={},
        at=NOW,
    )
    run_tasks()
    mailbox.clear()
    decline_booking(booking, teammate=chicago_agent, reason="answered_in_conversation", at=NOW)
    assert run_tasks() == ["sent"]
    [message] = mailbox.to("casey@customer.test")
    assert message["Subject"] == "About your 1:1 session on Monday 15 March at 10:00 AM, New York time"
    assert "quick enough to answer in a conversation" in body_of(message)
    assert invite_of(message).walk("VEVENT")[0]["status"] == "CANCELLED"
    assert not mailbox.to("chi@acme.test")
    assert Event.objects.filter(type="meeting.declined", data__by="agent").count() == 1


def test_held_then_followed_up_with_recap_articles_and_an_invitation_back(
    session_type, chicago_agent, mailbox, run_tasks
):
    booking = book_session(
        session_type,
        start=MONDAY_AFTER_US_CHANGE,
        timezone_name="America/New_York",
        customer_name="Casey",
        customer_email="casey@customer.test",
        at=NOW,
    )
    after = utc(2027, 3, 15, 14, 40)
    mark_session_held(booking, teammate=chicago_agent, at=after)
    send_follow_up(
        booking,
        teammate=chicago_agent,
        recap="We connected your domain and set up routing rules.",
        article_links=[{"title": "Routing rules", "url": "https://help.example.com/routing"}],
        next_steps="Invite your two colleagues.",
        at=after,
    )
    run_tasks()
    messages = mailbox.to("casey@customer.test")
    follow_up = next(m for m in messages if m["Subject"] == "After our session: Setup walkthrough")
    text = body_of(follow_up)
    assert "We connected your domain" in text
    assert "- Routing rules: https://help.example.com/routing" in text
    assert "Invite your two colleagues." in text
    assert "reply to this email or write to us in the messenger" in text
    assert [e.type for e in Event.objects.order_by("id")] == [
        "meeting.booked",
        "meeting.held",
        "meeting.followed_up",
    ]


def test_a_no_show_is_recorded_with_its_side(session_type, chicago_agent):
    booking = book_session(
        session_type,
        start=MONDAY_AFTER_US_CHANGE,
        timezone_name="America/New_York",
        customer_name="Casey",
        customer_email="casey@customer.test",
        at=NOW,
    )
    mark_no_show(booking, side="customer", teammate=chicago_agent, at=utc(2027, 3, 15, 14, 20))
    assert Event.objects.get(type="meeting.no_show").data["side"] == "customer"
