"""Addresses in emails and pages: the public booking link of a trigger, the signed link with which
a customer reschedules or cancels, and the signed link that confirms the customer's email address
(django.core.signing: a changed link is refused).

The two signed links differ on purpose. The booker is sent to the reschedule/cancel page right after
booking, so holding that link proves nothing; the confirmation link is only ever written into emails
to the booking's address, so following it proves the address is the customer's."""

import hashlib

from django.conf import settings
from django.core import signing
from django.urls import reverse

from concierge.core.errors import InvalidInput
from concierge.meetings.models import Booking, BookingTrigger

MANAGE_SALT = "concierge.meetings.manage-booking"
CONFIRM_EMAIL_SALT = "concierge.meetings.confirm-email"


def manage_token(booking: Booking) -> str:
    return signing.dumps({"b": booking.pk}, salt=MANAGE_SALT)


def booking_id_from_manage_token(token: str) -> int:
    """The booking a customer's link points at; a tampered or cut link is a clear error."""
    try:
        payload = signing.loads(token or "", salt=MANAGE_SALT)
        return int(payload["b"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            "This reschedule or cancel link is not valid: it was changed or cut short. "
            "Use the link from your confirmation email.",
            field="token",
        ) from exc


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def confirm_email_token(booking: Booking) -> str:
    """Names the booking and the address it was sent to (as a digest: the link does not show it)."""
    return signing.dumps(
        {"b": booking.pk, "e": _email_digest(booking.customer_email)}, salt=CONFIRM_EMAIL_SALT
    )


def booking_id_from_confirm_email_token(token: str) -> tuple[int, str]:
    """The booking a confirmation link names and the digest of the address it was sent to."""
    try:
        payload = signing.loads(token or "", salt=CONFIRM_EMAIL_SALT)
        return int(payload["b"]), str(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            "This confirmation link is not valid: it was changed or cut short. "
            "Use the link from your confirmation email.",
            field="token",
        ) from exc


def is_sent_to(booking: Booking, email_digest: str) -> bool:
    return _email_digest(booking.customer_email) == email_digest


def _absolute(path: str) -> str:
    return f"{settings.PUBLIC_URL}{path}"


def booking_page_url(trigger: BookingTrigger) -> str:
    return _absolute(reverse("meetings_public:book", args=[trigger.token]))


def manage_url(booking: Booking) -> str:
    return _absolute(reverse("meetings_public:manage", args=[manage_token(booking)]))


def reschedule_url(booking: Booking) -> str:
    return _absolute(reverse("meetings_public:reschedule", args=[manage_token(booking)]))


def cancel_url(booking: Booking) -> str:
    return _absolute(reverse("meetings_public:cancel", args=[manage_token(booking)]))


def session_page_url(booking: Booking) -> str:
    return _absolute(reverse("web:meetings_session", args=[booking.workspace.slug, booking.pk]))


def confirm_email_url(booking: Booking) -> str:
    return _absolute(reverse("meetings_public:confirm_email", args=[confirm_email_token(booking)]))
