"""Emails about bookings: queued with the change that calls for them, sent at most once.

Sending claims a BookingEmail row first (unique per booking, kind, recipient, sequence and reminder
offset) in a transaction that also re-checks the booking, then talks to the SMTP server, then marks
the row sent. A duplicated or retried task finds the claim and sends nothing. A worker that dies
between the claim and the send leaves the claim standing, so that email is not sent rather than sent
twice.

A failure that may pass (the mail server is down or answers 4xx) releases the claim and queues the
same email again with a growing delay (5, 10, 20, 40, 80 minutes). A failure that will not pass by
waiting (the server refuses the address with 5xx, the message cannot be written), or the last of
those attempts, leaves the row FAILED with its reason: the session's page shows it to the team with
a "Send again" button (`resend_booking_email`), and the log has it at ERROR.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.queue import enqueue_with_change
from concierge.events.services import record_event
from concierge.meetings import event_types
from concierge.meetings.emails import build_booking_email
from concierge.meetings.models import Booking, BookingEmail
from concierge.workspaces.models import Teammate

logger = logging.getLogger(__name__)

# Attempts at one email before it is marked failed; the waits between them double from the first.
MAX_ATTEMPTS = 6
FIRST_RETRY_AFTER = timedelta(minutes=5)

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


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, …): 5, 10, 20, 40, 80 minutes."""
    return FIRST_RETRY_AFTER * 2 ** (attempt - 1)


def describe_send_failure(error: Exception) -> tuple[bool, str]:
    """(whether trying again later may succeed, the reason in words for the team)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        answers = "; ".join(
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        )
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        return temporary, f"the mail server refused the address ({answers})"
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        message = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return 400 <= error.smtp_code < 500 or error.smtp_code < 0, (
            f"the mail server answered {error.smtp_code} {message}".strip()
        )
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return True, f"the mail server could not be reached ({error or type(error).__name__})"
    return False, f"the email could not be written ({type(error).__name__}: {error})"


def release_booking_email_claim(claim: BookingEmail) -> None:
    BookingEmail.objects.filter(pk=claim.pk, state=BookingEmail.State.CLAIMED).delete()


def mark_booking_email_failed(claim: BookingEmail, *, reason: str, attempts: int) -> None:
    """The email will not be sent unless someone sends it again: kept with its reason for the team."""
    BookingEmail.objects.filter(pk=claim.pk).update(
        state=BookingEmail.State.FAILED, failed_at=timezone.now(), failure=reason[:1000], attempts=attempts
    )


def resend_booking_email(email: BookingEmail, *, teammate: Teammate, at: datetime | None = None) -> None:
    """Queue a failed email again (after the team fixed what stopped it, or to try the server again)."""
    from concierge.meetings.tasks import deliver_booking_email_task

    now = at or timezone.now()
    if teammate.workspace_id != email.workspace_id:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).filter(pk=email.booking_id).first()
        current = BookingEmail.objects.filter(pk=email.pk, state=BookingEmail.State.FAILED).first()
        if current is None:
            raise Conflict("That email is not waiting to be sent again; please reload the page.")
        reason = _why_not_applicable(booking, current.kind, current.sequence, now)
        if reason:
            raise Conflict(f"That email no longer applies ({reason.removeprefix('skipped: ')}).")
        current.delete()
        enqueue_with_change(
            deliver_booking_email_task,
            current.booking_id,
            current.kind,
            current.recipient,
            current.sequence,
            current.offset_minutes,
        )


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
    except Exception as error:
        temporary, reason = describe_send_failure(error)
        where = f"booking {booking_id}: {kind} to the {recipient}, attempt {attempt} of {MAX_ATTEMPTS}"
        if not temporary or attempt >= MAX_ATTEMPTS:
            logger.error("Email not sent (%s): %s", where, reason, exc_info=not temporary)
            mark_booking_email_failed(claim, reason=reason, attempts=attempt)
            return f"failed: {reason}"
        logger.warning("Email not sent yet (%s): %s; trying again later", where, reason)
        release_booking_email_claim(claim)
        with transaction.atomic():
            enqueue_with_change(
                deliver_booking_email_task,
                booking_id,
                kind,
                recipient,
                sequence,
                offset_minutes,
                attempt + 1,
                run_after=timezone.now() + retry_delay(attempt),
            )
        return f"retry {attempt + 1} queued: the mail server did not take it"
    mark_booking_email_sent(claim)
    return "sent"
