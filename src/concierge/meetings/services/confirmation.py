"""The customer's email address confirmed, and the bookings that follow a merged lead.

A booking made by an unverified booker waits for its address to be confirmed (`email_confirmed_at`):
the customer follows the signed link in the emails sent to that address (links.confirm_email_url)
and presses the button on the page it opens. A booking made from a public link then joins the
customer the address names: its contact of its own, a lead made for it, proves it reads that address
(contacts.services.confirm_lead_email) and is merged into the user with it, or becomes that user when
there is none. The merge is announced (LeadMerged): the lead's bookings follow it here, its
conversations in conversations, and the log records `contact.merged`.

The events already recorded stay as they were, under the lead (the log is append-only); the
`contact.merged` event, in the same transaction, names the lead, so a reader of the log finds that
the lead's events are the user's. The booking's later events name the user.

A messenger visitor's booking stays the visitor's: the messenger identifies visitors (user id and
hash), and an address typed in a form says nothing about whose browser it was.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.contacts.services import confirm_lead_email
from concierge.meetings.models import Booking


def confirm_booking_email(booking: Booking, *, at: datetime | None = None) -> Booking:
    """The customer followed the link emailed to the booking's address: the address is theirs, and a
    booking made from a public link joins the customer it names. Confirming again changes nothing.

    Rows are taken in the order a contact merge takes them (the workspace, the contacts, then their
    bookings), so a confirmation and a teammate's merge of the same lead wait for each other rather
    than deadlock; the booking is marked by a conditional update, so of two confirmations one marks."""
    now = at or timezone.now()
    with transaction.atomic():
        current = Booking.objects.select_related("contact").get(pk=booking.pk)
        if current.email_confirmed_at is not None:
            return current
        contact = current.contact
        if contact.kind == Contact.Kind.LEAD and not contact.visitor_id and not contact.merged_into_id:
            confirm_lead_email(contact, at=now)
        Booking.objects.filter(pk=current.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=now)
    return Booking.objects.select_related("workspace", "session_type", "trigger", "contact", "agent").get(
        pk=booking.pk
    )


def move_bookings_to_contact(workspace_id: int, *, from_contact_id: int, to_contact_id: int) -> list[int]:
    """Give every booking of one contact to another of the same workspace; returns their ids."""
    with transaction.atomic():
        moving = Booking.objects.select_for_update().filter(
            workspace_id=workspace_id, contact_id=from_contact_id
        )
        booking_ids = list(moving.values_list("pk", flat=True))
        if booking_ids:
            Booking.objects.filter(pk__in=booking_ids).update(contact_id=to_contact_id)
    return booking_ids
