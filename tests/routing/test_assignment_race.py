"""Twenty conversations arriving at once never break a teammate's limit — SQLite and PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.child_process import json_from_a_child_on_a_sqlite_file

from .assignment_race import LIMIT, race, set_up

ATTEMPTS = 20
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def outcome(django_db_setup, django_db_blocker, tmp_path_factory):
    if connection.vendor == "sqlite":
        yield json_from_a_child_on_a_sqlite_file(
            "tests.routing.assignment_race", str(ATTEMPTS), folder=tmp_path_factory.mktemp("race")
        )
        return
    with django_db_blocker.unblock():  # the race commits for real; the database is emptied after
        try:
            yield race(set_up(ATTEMPTS))
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_twenty_arriving_at_once_never_break_a_limit(outcome):
    assert [o for o in outcome["outcomes"] if o.startswith("error")] == []
    assert outcome["per_teammate"] == [LIMIT, LIMIT, LIMIT]
    assert outcome["queued"] == ATTEMPTS - 3 * LIMIT
    assert sorted(outcome["outcomes"]).count("assigned") == 3 * LIMIT
