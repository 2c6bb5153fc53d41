"""Many customers try to book the last free slot at the same moment: exactly one gets it, the others
get a clear "just taken", and no second booking exists — on SQLite and on PostgreSQL. Many unverified
bookers book different slots from one link at once: exactly as many as its limit allows get one."""

import pytest
from django.db import connection

from concierge.meetings.models import Booking
from tests.child_process import json_from_a_child_on_a_sqlite_file

from .last_slot_race import LAST_SLOT, race_for_the_last_slot, set_up_one_agent_with_one_slot
from .link_limit_race import race_for_the_links_last_places, set_up_one_link_with_many_slots

ATTEMPTS = 8
TAKEN = "That time was just taken; please pick another one."


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_many_simultaneous_attempts_gets_the_last_slot(tmp_path):
    if connection.vendor == "sqlite":
        result = json_from_a_child_on_a_sqlite_file(
            "tests.meetings.last_slot_race", str(ATTEMPTS), folder=tmp_path
        )
    else:
        session_type = set_up_one_agent_with_one_slot()
        result = {
            "outcomes": race_for_the_last_slot(session_type.pk, ATTEMPTS),
            "bookings": Booking.objects.filter(starts_at=LAST_SLOT).count(),
        }
    assert sorted(result["outcomes"]) == [TAKEN] * (ATTEMPTS - 1) + ["booked"]
    assert result["bookings"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_links_limit_of_unconfirmed_sessions_holds_when_many_book_at_once(tmp_path, settings, monkeypatch):
    limit = 3
    if connection.vendor == "sqlite":
        monkeypatch.setenv("MEETINGS_UNCONFIRMED_PER_LINK", str(limit))
        result = json_from_a_child_on_a_sqlite_file(
            "tests.meetings.link_limit_race", str(ATTEMPTS), folder=tmp_path
        )
    else:
        settings.MEETINGS_UNCONFIRMED_PER_LINK = limit
        trigger = set_up_one_link_with_many_slots()
        result = {
            "outcomes": race_for_the_links_last_places(trigger.pk, ATTEMPTS),
            "bookings": Booking.objects.filter(trigger=trigger).count(),
        }
    assert sorted(result["outcomes"]) == ["booked"] * limit + ["limited"] * (ATTEMPTS - limit)
    assert result["bookings"] == limit
