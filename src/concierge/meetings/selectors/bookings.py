"""Reads of bookings: lists for the teammates' pages and API, one booking with what its page shows,
and a customer's own bookings."""

from datetime import datetime

from django.db.models import QuerySet

from concierge.contacts.models import Contact
from concierge.core.errors import NotFound
from concierge.meetings.links import (
    booking_id_from_confirm_email_token,
    booking_id_from_manage_token,
    is_sent_to,
)
from concierge.meetings.models import Booking, BookingEmail
from concierge.workspaces.models import Workspace


def bookings(
    workspace: Workspace,
    *,
    status: str | None = None,
    agent_id: int | None = None,
    session_type_id: int | None = None,
    contact_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> QuerySet[Booking]:
    queryset = Booking.objects.filter(workspace=workspace)
    if status:
        queryset = queryset.filter(status=status)
    if agent_id is not None:
        queryset = queryset.filter(agent_id=agent_id)
    if session_type_id is not None:
        queryset = queryset.filter(session_type_id=session_type_id)
    if contact_id is not None:
        queryset = queryset.filter(contact_id=contact_id)
    if starts_from is not None:
        queryset = queryset.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        queryset = queryset.filter(starts_at__lt=starts_before)
    return queryset.select_related("session_type", "trigger", "contact", "agent").order_by("starts_at", "id")


def booking_by_id(workspace: Workspace, booking_id: int) -> Booking:
    booking = (
        Booking.objects.filter(workspace=workspace, pk=booking_id)
        .select_related(
            "workspace", "session_type", "trigger", "contact", "agent", "agent__user", "declined_by"
        )
        .first()
    )
    if booking is None:
        raise NotFound(f"No 1:1 session with id {booking_id} in this workspace.")
    return booking


def booking_for_manage_token(token: str) -> Booking:
    """The booking a customer's signed reschedule/cancel link opens; a tampered link is refused."""
    booking_id = booking_id_from_manage_token(token)
    booking = (
        Booking.objects.filter(pk=booking_id)
        .select_related("workspace", "session_type", "trigger", "contact", "agent")
        .first()
    )
    if booking is None:
        raise NotFound("This session no longer exists.")
    return booking


def booking_for_confirm_email_token(token: str) -> Booking:
    """The booking a confirmation link (sent to its address) names; a tampered link is refused."""
    booking_id, email_digest = booking_id_from_confirm_email_token(token)
    booking = (
        Booking.objects.filter(pk=booking_id)
        .select_related("workspace", "session_type", "trigger", "contact", "agent")
        .first()
    )
    if booking is None or not is_sent_to(booking, email_digest):
        raise NotFound("This session no longer exists.")
    return booking


def bookings_of_contact(workspace: Workspace, contact: Contact) -> QuerySet[Booking]:
    return bookings(workspace, contact_id=contact.pk).order_by("-starts_at", "-id")


def booking_of_contact(workspace: Workspace, contact: Contact, booking_id: int) -> Booking:
    booking = bookings_of_contact(workspace, contact).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(f"You have no 1:1 session with id {booking_id}.")
    return booking


def failed_emails(booking: Booking) -> list[BookingEmail]:
    """The booking's emails that failed for good and are still about its current time (an email for an
    earlier version of the booking no longer applies), for the team to see and send again."""
    return list(
        BookingEmail.objects.filter(
            booking=booking, state=BookingEmail.State.FAILED, sequence=booking.sequence
        ).order_by("failed_at", "id")
    )


def failed_email_of(booking: Booking, email_id: int) -> BookingEmail:
    email = BookingEmail.objects.filter(booking=booking, pk=email_id).first()
    if email is None:
        raise NotFound("No such email for this session.")
    return email
