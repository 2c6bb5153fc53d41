"""Changes that check a conversation's state and then act hold when many arrive at once: of twenty
closes one closes, the others are told it is closed already, and the log counts one close — on
SQLite and on PostgreSQL. The same for closes mixed with snoozes, merges of one lead and taggings."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.child_process import json_from_a_child_on_a_sqlite_file

from .state_race import race, set_up

ATTEMPTS = 20
pytestmark = pytest.mark.django_db  # so the test database is made, even when this module runs alone


@pytest.fixture(scope="module")
def outcome(django_db_setup, django_db_blocker, tmp_path_factory):
    if connection.vendor == "sqlite":
        yield json_from_a_child_on_a_sqlite_file(
            "tests.conversations.state_race", str(ATTEMPTS), folder=tmp_path_factory.mktemp("race")
        )
        return
    # The race commits for real (threads with their own connections); the database is emptied after.
    with django_db_blocker.unblock():
        try:
            yield race(set_up(), ATTEMPTS)
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_of_many_closes_at_once_one_closes_and_the_log_counts_one(outcome):
    assert sorted(outcome["close"]) == ["closed"] + ["refused: The conversation is already closed."] * 19
    assert (outcome["stored"]["close_events"], outcome["stored"]["close_parts"]) == (1, 1)


def test_closes_and_snoozes_at_once_never_leave_a_closed_conversation_snoozed(outcome):
    stored = outcome["stored"]
    assert outcome["close_or_snooze"].count("closed") == 1
    assert not [o for o in outcome["close_or_snooze"] if o.startswith("error")]
    assert stored["mixed_state"] == "closed" and stored["mixed_close_events"] == 1
    assert stored["mixed_state_parts"][-1] == "closed"  # no snooze after the close


def test_many_merges_of_one_lead_at_once_merge_it_once(outcome):
    assert sorted(outcome["merge"]) == ["merged"] + ["refused: This lead was already merged."] * 19
    assert outcome["stored"]["merge_events"] == 1


def test_many_taggings_at_once_tag_once(outcome):
    assert sorted(outcome["tag"]) == ["already there"] * 19 + ["tagged"]
    assert (outcome["stored"]["tag_events"], outcome["stored"]["tag_parts"]) == (1, 1)
