"""Addresses in emails and pages: the public booking link of a trigger, and the signed link with
which a customer reschedules or cancels (django.core.signing: a changed link is refused)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from concierge.core.errors import InvalidInput
from concierge.meetings.models import Booking, BookingTrigger

MANAGE_SALT = "concierge.meetings.manage-booking"


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
