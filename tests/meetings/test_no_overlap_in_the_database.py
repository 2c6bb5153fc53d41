"""The database itself refuses two bookings of one agent whose times (buffer included) overlap —
the last line of defence behind the Python checks (exclusion constraint / SQLite triggers)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from concierge.meetings.models import Booking
from concierge.meetings.services.booking import book_session, cancel_booking

from .conftest import utc

NOW = utc(2027, 3, 8, 0, 0)


def _row_like(booking: Booking, **changes) -> Booking:
    fields = {
        f.attname: getattr(booking, f.attname)
        for f in Booking._meta.concrete_fields
        if f.attname not in ("id",)
    }
    fields.update(changes)
    return Booking(**fields)


@pytest.fixture
def booking(session_type):
    return book_session(
        session_type,
        start=utc(2027, 3, 9, 10, 0),
        timezone_name="Europe/Belgrade",
        customer_name="Bo",
        customer_email="bo@customer.test",
        at=NOW,
    )


@pytest.mark.parametrize(
    "offset_minutes",
    [0, 20, 40, -25],  # same start; inside the session; inside the buffer; its buffer reaches ours
)
def test_an_overlapping_row_for_the_same_agent_is_refused(booking, offset_minutes):
    start = booking.starts_at + timedelta(minutes=offset_minutes)
    clash = _row_like(
        booking,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_rows_that_only_touch_or_belong_to_another_agent_are_accepted(booking, chicago_agent):
    after = booking.blocked_until
    _row_like(
        booking,
        starts_at=after,
        ends_at=after + timedelta(minutes=30),
        blocked_until=after + timedelta(minutes=45),
    ).save()
    _row_like(booking, agent_id=chicago_agent.pk).save()
    assert Booking.objects.count() == 3


def test_moving_a_row_onto_another_is_refused_and_cancelled_rows_do_not_count(booking):
    later = _row_like(
        booking,
        starts_at=booking.starts_at + timedelta(hours=2),
        ends_at=booking.ends_at + timedelta(hours=2),
        blocked_until=booking.blocked_until + timedelta(hours=2),
    )
    later.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=later.pk).update(
            starts_at=booking.starts_at, ends_at=booking.ends_at, blocked_until=booking.blocked_until
        )
    cancel_booking(booking, at=NOW)
    Booking.objects.filter(pk=later.pk).update(
        starts_at=booking.starts_at, ends_at=booking.ends_at, blocked_until=booking.blocked_until
    )
