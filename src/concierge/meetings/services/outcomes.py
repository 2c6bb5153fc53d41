"""After the start: the session was held, or one side did not show up."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput
from concierge.events.services import record_event
from concierge.meetings import event_types
from concierge.meetings.models import Booking
from concierge.workspaces.models import Teammate


def _locked_booking_that_started(booking: Booking, teammate: Teammate, now: datetime) -> Booking:
    if teammate.workspace_id != booking.workspace_id:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    current = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("workspace", "contact", "session_type")
        .get(pk=booking.pk)
    )
    if current.status != Booking.Status.BOOKED:
        raise Conflict(f"This session is already marked {current.get_status_display().lower()}.")
    if current.starts_at > now:
        raise Conflict("This session has not started yet.")
    return current


def _outcome_data(booking: Booking, teammate: Teammate, **extra) -> dict:
    return {
        "booking": booking.pk,
        "session_type": booking.session_type_id,
        "trigger": booking.trigger_id,
        "agent": booking.agent_id,
        "teammate": teammate.pk,
        "starts_at": booking.starts_at.isoformat(),
        **extra,
    }


def mark_session_held(booking: Booking, *, teammate: Teammate, at: datetime | None = None) -> Booking:
    now = at or timezone.now()
    with transaction.atomic():
        current = _locked_booking_that_started(booking, teammate, now)
        current.status = Booking.Status.HELD
        current.held_at = now
        current.save(update_fields=["status", "held_at"])
        record_event(
            current.workspace,
            event_types.MEETING_HELD,
            contact=current.contact,
            at=now,
            data=_outcome_data(current, teammate),
        )
    return current


def mark_no_show(booking: Booking, *, side: str, teammate: Teammate, at: datetime | None = None) -> Booking:
    """`side` is who did not show up: 'customer' or 'agent'."""
    now = at or timezone.now()
    if side not in Booking.Side.values:
        raise InvalidInput("side must be 'customer' or 'agent'.", field="side")
    with transaction.atomic():
        current = _locked_booking_that_started(booking, teammate, now)
        current.status = Booking.Status.NO_SHOW
        current.no_show_side = side
        current.save(update_fields=["status", "no_show_side"])
        record_event(
            current.workspace,
            event_types.MEETING_NO_SHOW,
            contact=current.contact,
            at=now,
            data=_outcome_data(current, teammate, side=side),
        )
    return current
