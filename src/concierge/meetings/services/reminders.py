"""Reminders before a session, to the customer and to the agent, at the session type's offsets.

Each reminder is a durable task due at its time (`run_after`), carrying the booking's sequence: a
reschedule or cancel bumps the sequence, so reminders queued for the old time find nothing to do.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from concierge.core.queue import enqueue_with_change
from concierge.meetings.models import Booking, BookingEmail


def reminder_times(booking: Booking) -> list[tuple[str, int, datetime]]:
    """(recipient, minutes before, when) for every reminder of the booking, earliest first."""
    session_type = booking.session_type
    times = [
        (recipient, offset, booking.starts_at - timedelta(minutes=offset))
        for recipient, offsets in (
            (Booking.Side.CUSTOMER, session_type.customer_reminder_offsets),
            (Booking.Side.AGENT, session_type.agent_reminder_offsets),
        )
        for offset in offsets
    ]
    return sorted(times, key=lambda item: item[2])


def schedule_reminders(booking: Booking, *, at: datetime | None = None) -> int:
    """Queue the booking's reminders that are still ahead; returns how many. A reminder whose time
    has already passed when the session is booked (booked within the offset) is left out."""
    from concierge.meetings.tasks import deliver_booking_email_task

    now = at or timezone.now()
    queued = 0
    for recipient, offset, due in reminder_times(booking):
        if due <= now:
            continue
        enqueue_with_change(
            deliver_booking_email_task,
            booking.pk,
            BookingEmail.Kind.REMINDER,
            recipient,
            booking.sequence,
            offset,
            run_after=due,
        )
        queued += 1
    return queued
