"""An email about a booking that cannot go out is never lost quietly: a name with a line break goes
into the headers as one line, a mail server that is down or busy (4xx) gets the email again later
with a growing wait, and one that refuses it for good (5xx) leaves it failed, shown on the session's
page with a "Send again" button. Mail goes to a real SMTP server on loopback."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from concierge.meetings.models import Booking, BookingEmail
from concierge.meetings.selectors.slots import free_slots
from concierge.meetings.services.booking import book_session
from concierge.meetings.services.mail import MAX_ATTEMPTS, retry_delay

CUSTOMER = "kim@customer.test"
ZONE = "Europe/Belgrade"


def _next_slot(session_type):
    return free_slots(session_type, start=timezone.now() + timedelta(days=3))[0].start


def _book(session_type, name="Kim"):
    return book_session(
        session_type,
        start=_next_slot(session_type),
        timezone_name=ZONE,
        customer_name=name,
        customer_email=CUSTOMER,
        confirm_night=True,
    )


@pytest.fixture
def signed_in(client, chicago_agent):
    client.force_login(chicago_agent.user)
    return client


def test_a_line_break_in_a_public_bookers_name_still_confirms_both_sides(
    client, trigger, session_type, mailbox, run_tasks
):
    start = _next_slot(session_type).isoformat()
    booked = client.post(
        f"/book/{trigger.token}/",
        {
            "timezone": ZONE,
            "lang": "en",
            "start": start,
            "name": "Kim\r\nBcc: everyone@attacker.test",
            "email": CUSTOMER,
            "confirm_night": "yes",
        },
    )
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booking.customer_name == "Kim Bcc: everyone@attacker.test"

    assert run_tasks() == ["sent", "sent"]
    [to_agent] = [m for m in mailbox.messages if CUSTOMER not in m["X-Envelope-To"]]
    assert to_agent["Subject"].startswith("New 1:1 session with Kim Bcc: everyone@attacker.test: ")
    assert to_agent["Bcc"] is None
    assert not any("attacker.test" in m["X-Envelope-To"] for m in mailbox.messages)


def test_a_name_stored_with_a_line_break_before_the_fix_still_goes_out(session_type, mailbox, run_tasks):
    booking = _book(session_type)
    Booking.objects.filter(pk=booking.pk).update(customer_name="Kim\nBcc: everyone@attacker.test\x1b")

    assert run_tasks() == ["sent", "sent"]
    subjects = [m["Subject"] for m in mailbox.messages]
    assert any("with Kim Bcc: everyone@attacker.test: " in subject for subject in subjects), subjects
    assert not any("attacker.test" in m["X-Envelope-To"] for m in mailbox.messages)


def test_control_characters_are_refused_and_line_breaks_become_spaces(session_type):
    from concierge.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"name contains a control character \(U\+0000\)"):
        _book(session_type, name="Kim\x00")
    with pytest.raises(InvalidInput, match=r"U\+001B"):
        _book(session_type, name="Kim\x1b[31m")
    assert _book(session_type, name=" Kim\tLee\u2028 ").customer_name == "Kim Lee"


def test_an_address_the_server_refuses_is_shown_on_the_session_page_and_sent_again(
    session_type, chicago_agent, mailbox, run_tasks, signed_in, workspace
):
    mailbox.refused[CUSTOMER] = "550 5.1.1 No such user here"
    booking = _book(session_type)

    outcomes = sorted(run_tasks())
    assert outcomes[0].startswith("failed: the mail server refused the address (550")
    assert outcomes[1] == "sent"  # the agent's own confirmation is not held up
    failed = BookingEmail.objects.get(state="failed")
    assert (failed.kind, failed.recipient, failed.attempts) == ("confirmation", "customer", 1)

    page_url = f"/w/{workspace.slug}/sessions/{booking.pk}/"
    page = signed_in.get(page_url).content.decode()
    assert "The confirmation email to the customer could not be sent" in page
    assert "No such user here" in page
    email_id = re.search(r'name="email" value="(\d+)"', page).group(1)

    mailbox.refused.clear()  # the customer's mailbox works again
    resent = signed_in.post(f"{page_url}resend-email/", {"email": email_id})
    assert resent.status_code == 302
    assert run_tasks() == ["sent"]
    assert len(mailbox.to(CUSTOMER)) == 1
    assert "could not be sent" not in signed_in.get(page_url).content.decode()
    # Nothing left to send again: a second click is a clear conflict, not a second email.
    again = signed_in.post(f"{page_url}resend-email/", {"email": email_id})
    assert again.status_code == 404
    bad = signed_in.post(f"{page_url}resend-email/", {"email": "99999999999999999999"})
    assert bad.status_code == 422


def test_a_busy_server_gets_the_email_again_later_then_it_is_marked_failed(
    session_type, mailbox, run_tasks, signed_in, workspace
):
    mailbox.refused[CUSTOMER] = "451 4.3.0 Try again later"
    booking = _book(session_type)

    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcomes = run_tasks(until=timezone.now() + sum(waits, timedelta()))
        customer_outcome = [o for o in outcomes if o != "sent"]
        if attempt < MAX_ATTEMPTS:
            assert customer_outcome == [f"retry {attempt + 1} queued: the mail server did not take it"]
            assert not BookingEmail.objects.filter(recipient="customer").exists()
            waits.append(retry_delay(attempt))
        else:
            assert customer_outcome[0].startswith("failed: the mail server refused the address (451")
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40, 80)]
    failed = BookingEmail.objects.get(recipient="customer")
    assert (failed.state, failed.attempts) == ("failed", MAX_ATTEMPTS)
    page = signed_in.get(f"/w/{workspace.slug}/sessions/{booking.pk}/").content.decode()
    assert f"could not be sent after {MAX_ATTEMPTS} attempts" in page


def test_a_failed_email_of_an_earlier_time_is_not_offered_again(session_type, mailbox, run_tasks):
    from concierge.core.errors import Conflict
    from concierge.meetings.services.booking import cancel_booking
    from concierge.meetings.services.mail import resend_booking_email

    mailbox.refused[CUSTOMER] = "550 5.1.1 No such user here"
    booking = _book(session_type)
    run_tasks()
    failed = BookingEmail.objects.get(state="failed")
    cancel_booking(booking)
    with pytest.raises(Conflict, match="no longer applies"):
        resend_booking_email(failed, teammate=booking.agent)


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("notes", {"notes": "call back\x1b[2J"}, "notes"),
        ("decline", {"reason": "other", "message": "no\x07"}, "message"),
    ],
)
def test_free_text_that_ends_in_emails_and_pages_refuses_control_characters(
    session_type, signed_in, workspace, action, data, field
):
    booking = _book(session_type)
    response = signed_in.post(f"/w/{workspace.slug}/sessions/{booking.pk}/{action}/", data)
    assert response.status_code == 422
    assert f"{field} contains a control character" in response.content.decode()
    booking.refresh_from_db()
    assert (booking.notes, booking.status) == ("", "booked")
