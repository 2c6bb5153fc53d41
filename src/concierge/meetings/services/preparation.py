"""Before and during a session: the agent's notes and the preparation checklist of a booking."""

from django.db import transaction

from concierge.core.errors import InvalidInput, NotFound
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.meetings.models import Booking

MAX_NOTES_LENGTH = 20_000
MAX_CHECKLIST_ITEMS = 50


def update_booking_notes(booking: Booking, notes: str) -> Booking:
    notes = refuse_control_characters((notes or "").strip(), field="notes", allowed="\t\n\r")
    if len(notes) > MAX_NOTES_LENGTH:
        raise InvalidInput(f"Notes are limited to {MAX_NOTES_LENGTH} characters.", field="notes")
    Booking.objects.filter(pk=booking.pk).update(notes=notes)
    booking.notes = notes
    return booking


def set_checklist_item_done(booking: Booking, index: int, done: bool) -> Booking:
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        checklist = list(current.checklist)
        if not isinstance(index, int) or not 0 <= index < len(checklist):
            raise NotFound(f"The checklist has no item {index}.")
        checklist[index] = {**checklist[index], "done": bool(done)}
        Booking.objects.filter(pk=booking.pk).update(checklist=checklist)
    booking.checklist = checklist
    return booking


def add_checklist_item(booking: Booking, label: str) -> Booking:
    label = clean_short_text(label, field="label", max_length=200, required=True)
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        checklist = list(current.checklist)
        if len(checklist) >= MAX_CHECKLIST_ITEMS:
            raise InvalidInput(f"A checklist holds at most {MAX_CHECKLIST_ITEMS} items.", field="label")
        checklist.append({"label": label, "done": False})
        Booking.objects.filter(pk=booking.pk).update(checklist=checklist)
    booking.checklist = checklist
    return booking
