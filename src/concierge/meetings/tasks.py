"""Background work for 1:1 sessions: every email about a booking (confirmations, reminders,
cancellations, declines, follow-ups) is one task per recipient. Each task re-reads the booking and
sends nothing when it no longer applies (cancelled, moved to another time, already sent)."""

from django_tasks import task


@task()
def deliver_booking_email_task(
    booking_id: int, kind: str, recipient: str, sequence: int, offset_minutes: int = 0, attempt: int = 1
) -> str:
    """Returns what happened: 'sent', or why nothing was sent."""
    # Imported here: the mail service enqueues this task, so a module-level import would be circular.
    from concierge.meetings.services.mail import deliver_booking_email

    return deliver_booking_email(
        booking_id,
        kind=kind,
        recipient=recipient,
        sequence=sequence,
        offset_minutes=offset_minutes,
        attempt=attempt,
    )
