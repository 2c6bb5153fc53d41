"""Many customers try to book the last free slot at the same moment: exactly one gets it, the others
get a clear "just taken", and no second booking exists — on SQLite and on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from concierge.meetings.models import Booking

from .last_slot_race import LAST_SLOT, race_for_the_last_slot, set_up_one_agent_with_one_slot

ATTEMPTS = 8
TAKEN = "That time was just taken; please pick another one."
PROJECT_DIR = Path(__file__).resolve().parents[2]


def _race_in_a_child_process_on_a_sqlite_file(tmp_path) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "concierge.settings"
    done = subprocess.run(
        [sys.executable, "-m", "tests.meetings.last_slot_race", str(ATTEMPTS)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_many_simultaneous_attempts_gets_the_last_slot(tmp_path):
    if connection.vendor == "sqlite":
        result = _race_in_a_child_process_on_a_sqlite_file(tmp_path)
    else:
        session_type = set_up_one_agent_with_one_slot()
        result = {
            "outcomes": race_for_the_last_slot(session_type.pk, ATTEMPTS),
            "bookings": Booking.objects.filter(starts_at=LAST_SLOT).count(),
        }
    assert sorted(result["outcomes"]) == [TAKEN] * (ATTEMPTS - 1) + ["booked"]
    assert result["bookings"] == 1
