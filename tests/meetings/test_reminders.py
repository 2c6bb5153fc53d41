"""Reminders at the configured offsets, durable and sent once: never after a cancel, never for the
old time after a reschedule, and nothing twice when a worker is restarted mid-way. Mail goes to a real
SMTP server on loopback. These bookings lie a few days ahead of the real clock, since a reminder is
never sent once its session has started."""

import socket
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from concierge.events.models import Event
from concierge.meetings.models import BookingEmail
from concierge.meetings.selectors.slots import free_slots
from concierge.meetings.services.booking import book_session, cancel_booking, reschedule_booking

CUSTOMER = "kim@customer.test"
ZONE = "Asia/Kathmandu"


def hour_in(instant, zone_name: str) -> str:
    """'7:45 PM', worked out without Babel."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def bodies(messages) -> list[str]:
    return [m.get_body(preferencelist=("plain",)).get_content() for m in messages]


@pytest.fixture
def upcoming(session_type):
    slot = free_slots(session_type, start=timezone.now() + timedelta(days=3))[0]
    return book_session(
        session_type,
        start=slot.start,
        timezone_name=ZONE,
        customer_name="Kim",
        customer_email=CUSTOMER,
        confirm_night=True,
    )


def test_each_side_is_reminded_a_day_and_an_hour_before_in_their_own_time(upcoming, mailbox, run_tasks):
    assert run_tasks() == ["sent", "sent"]  # the confirmations; reminders wait for their time
    mailbox.clear()

    assert run_tasks(until=upcoming.starts_at - timedelta(hours=24)) == ["sent", "sent"]
    [customer_day] = bodies(mailbox.to(CUSTOMER))
    assert "we'll have our session in 1 day, on " in customer_day
    assert f"at {hour_in(upcoming.starts_at, ZONE)}" in customer_day and "Kathmandu time" in customer_day
    agent = upcoming.agent
    [agent_day] = bodies(mailbox.to(agent.email))
    assert f"at {hour_in(upcoming.starts_at, agent.timezone)}" in agent_day

    assert run_tasks(until=upcoming.starts_at - timedelta(hours=1)) == ["sent", "sent"]
    assert "in 1 hour, on" in bodies(mailbox.to(CUSTOMER))[-1]
    assert run_tasks(until=upcoming.starts_at) == []
    assert len(mailbox.messages) == 4
    reminded = Event.objects.filter(type="meeting.reminded")
    assert sorted((e.data["recipient"], e.data["offset_minutes"]) for e in reminded) == [
        ("agent", 60),
        ("agent", 1440),
        ("customer", 60),
        ("customer", 1440),
    ]


def test_a_cancelled_booking_gets_no_reminder(upcoming, mailbox, run_tasks):
    run_tasks()
    cancel_booking(upcoming, by="customer")
    outcomes = run_tasks(until=upcoming.starts_at)
    assert outcomes.count("sent") == 2  # the cancellation, to both sides
    assert outcomes.count("skipped: the booking is cancelled") == 4
    assert [m["Subject"].strip().partition(": ")[0] for m in mailbox.to(CUSTOMER)] == [
        "Your 1:1 session",
        "Cancelled",
    ]


def test_a_rescheduled_booking_is_reminded_of_the_new_time_only(session_type, upcoming, mailbox, run_tasks):
    run_tasks()
    old_start = upcoming.starts_at
    new_slot = free_slots(session_type, start=old_start + timedelta(days=1, hours=2))[0]
    moved = reschedule_booking(upcoming, start=new_slot.start, confirm_night=True)
    mailbox.clear()

    outcomes = run_tasks(until=new_slot.start)
    assert outcomes.count("skipped: the booking changed since this email was queued") == 4
    reminders = [m for m in mailbox.to(CUSTOMER) if m["Subject"].strip().startswith("Reminder")]
    assert len(reminders) == 2
    new_hour, old_day = hour_in(moved.starts_at, ZONE), old_start.astimezone(ZoneInfo(ZONE)).day
    for text in bodies(reminders):
        assert f"at {new_hour}" in text
        assert f" {moved.starts_at.astimezone(ZoneInfo(ZONE)).day} " in text
        assert f" {old_day} " not in text


def test_a_worker_restarted_midway_sends_nothing_twice(upcoming, mailbox, run_tasks):
    run_tasks()
    run_tasks(until=upcoming.starts_at - timedelta(hours=24))
    assert len(mailbox.messages) == 4
    # The worker died after sending but before recording success: its tasks are run again ...
    done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    assert done.update(status=TaskResultStatus.READY) == 4
    # ... and a duplicate of a reminder was queued as well.
    from concierge.meetings.tasks import deliver_booking_email_task

    deliver_booking_email_task.enqueue(upcoming.pk, "reminder", "customer", upcoming.sequence, 1440)
    assert run_tasks() == ["skipped: already sent"] * 5
    assert len(mailbox.messages) == 4
    assert BookingEmail.objects.filter(state="sent").count() == 4


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_server_that_is_down_gets_the_reminder_later_once(upcoming, mailbox, run_tasks, settings):
    run_tasks()
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    outcomes = run_tasks(until=upcoming.starts_at - timedelta(hours=24))
    assert outcomes == ["retry 2 queued: the mail server did not take it"] * 2
    assert not BookingEmail.objects.filter(kind="reminder").exists()

    settings.EMAIL_PORT = working_port
    assert run_tasks(until=timezone.now() + timedelta(minutes=10)) == ["sent", "sent"]
    assert len([m for m in mailbox.messages if m["Subject"].strip().startswith("Reminder")]) == 2
