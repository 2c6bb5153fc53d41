"""Emails about bookings: queued with the change that calls for them, sent at most once.

Sending claims a BookingEmail row first (unique per booking, kind, recipient, sequence and reminder
offset) in a transaction that also re-checks the booking, then talks to the SMTP server, then marks
the row sent. A duplicated or retried task finds the claim and sends nothing. A worker that dies
between the claim and the send leaves the claim standing, so that email is not sent rather than sent
twice; an SMTP failure releases the claim and retries later.
"""

import smtplib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.queue import enqueue_with_change
from concierge.events.services import record_event
from concierge.meetings import event_types
from concierge.meetings.emails import build_booking_email
from concierge.meetings.models import Booking, BookingEmail

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=5)

# The booking status each kind of email is about; a booking in another status gets nothing.
STATUS_FOR_KIND = {
    BookingEmail.Kind.CONFIRMATION: Booking.Status.BOOKED,
    BookingEmail.Kind.RESCHEDULED: Booking.Status.BOOKED,
    BookingEmail.Kind.REMINDER: Booking.Status.BOOKED,
    BookingEmail.Kind.CANCELLED: Booking.Status.CANCELLED,
    BookingEmail.Kind.DECLINED: Booking.Status.DECLINED,
}


def schedule_booking_emails(
    booking: Booking, kind: str, *, recipients=(Booking.Side.CUSTOMER, Booking.Side.AGENT)
) -> None:
    """Queue an email of this kind to each recipient, in the caller's transaction."""
    from concierge.meetings.tasks import deliver_booking_email_task

    for recipient in recipients:
        enqueue_with_change(deliver_booking_email_task, booking.pk, kind, recipient, booking.sequence)


def _why_not_applicable(booking: Booking | None, kind: str, sequence: int, now) -> str | None:
    if booking is None:
        return "skipped: the booking no longer exists"
    if kind == BookingEmail.Kind.FOLLOW_UP:
        return None if hasattr(booking, "follow_up") else "skipped: no follow-up was written"
    if booking.status != STATUS_FOR_KIND[kind]:
        return f"skipped: the booking is {booking.status}"
    if booking.sequence != sequence:
        return "skipped: the booking changed since this email was queued"
    if kind == BookingEmail.Kind.REMINDER and booking.starts_at <= now:
        return "skipped: the session has already started"
    return None


def claim_booking_email(
    booking_id: int, *, kind: str, recipient: str, sequence: int, offset_minutes: int = 0
) -> BookingEmail | str:
    """The claimed row to send, or why there is nothing to send."""
    now = timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("workspace", "session_type", "contact", "agent", "agent__user")
            .filter(pk=booking_id)
            .first()
        )
        reason = _why_not_applicable(booking, kind, sequence, now)
        if reason:
            return reason
        try:
            with transaction.atomic():
                claim = BookingEmail.objects.create(
                    workspace_id=booking.workspace_id,
                    booking=booking,
                    kind=kind,
                    recipient=recipient,
                    sequence=sequence,
                    offset_minutes=offset_minutes,
                    claimed_at=now,
                )
        except IntegrityError:
            return "skipped: already sent"
    claim.booking = booking
    return claim


def release_booking_email_claim(claim: BookingEmail) -> None:
    BookingEmail.objects.filter(pk=claim.pk, state=BookingEmail.State.CLAIMED).delete()


def mark_booking_email_sent(claim: BookingEmail) -> None:
    booking = claim.booking
    with transaction.atomic():
        BookingEmail.objects.filter(pk=claim.pk).update(state=BookingEmail.State.SENT, sent_at=timezone.now())
        if claim.kind == BookingEmail.Kind.REMINDER:
            record_event(
                booking.workspace,
                event_types.MEETING_REMINDED,
                contact=booking.contact,
                data={
                    "booking": booking.pk,
                    "session_type": booking.session_type_id,
                    "agent": booking.agent_id,
                    "recipient": claim.recipient,
                    "offset_minutes": claim.offset_minutes,
                    "starts_at": booking.starts_at.isoformat(),
                },
            )


def deliver_booking_email(
    booking_id: int, *, kind: str, recipient: str, sequence: int, offset_minutes: int = 0, attempt: int = 1
) -> str:
    """Send one email about a booking if it still applies and was not sent before."""
    from concierge.meetings.tasks import deliver_booking_email_task

    claim = claim_booking_email(
        booking_id, kind=kind, recipient=recipient, sequence=sequence, offset_minutes=offset_minutes
    )
    if isinstance(claim, str):
        return claim
    try:
        build_booking_email(
            claim.booking, kind=kind, recipient=recipient, offset_minutes=offset_minutes
        ).send()
    except (OSError, smtplib.SMTPException):
        release_booking_email_claim(claim)
        if attempt >= MAX_ATTEMPTS:
            raise
        with transaction.atomic():
            enqueue_with_change(
                deliver_booking_email_task,
                booking_id,
                kind,
                recipient,
                sequence,
                offset_minutes,
                attempt + 1,
                run_after=timezone.now() + RETRY_AFTER * attempt,
            )
        return f"retry {attempt + 1} queued: the mail server did not take it"
    mark_booking_email_sent(claim)
    return "sent"
