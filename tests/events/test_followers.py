"""The log hands every batch it appends to whatever follows it (events.followers), without knowing
who: with no follower it appends alone, with several each gets its part, through every way in."""

import json
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

import pytest
from django.db import transaction

from concierge.contacts.models import Contact
from concierge.contacts.services import contact_for_external_id
from concierge.events import followers
from concierge.events.models import Event
from concierge.events.parsing import parse_log_object
from concierge.events.services import append_events, record_event
from concierge.events.services.importing import (
    append_log_objects,
    import_log,
    import_log_file,
    tables_an_import_reads,
)
from concierge.reports.models import SupportSession
from concierge.reports.services import FUNNEL_ROLLUPS


def _visit(contact: str, day: int, id_: str) -> dict:
    return {
        "type": "help_center.visited",
        "at": f"2026-03-{day:02d}T10:00:00Z",
        "contact": contact,
        "id": id_,
    }


LOG = [_visit("c1", 1, "e1"), _visit("c2", 2, "e2"), _visit("c1", 3, "e3"), _visit("c3", 4, "e4")]


@dataclass
class EventCounts:
    """A follower's gathered input: how many events each contact has in the batch."""

    by_contact: dict[Hashable, int]

    def with_contact_ids(self, contact_ids):
        return EventCounts({contact_ids[key]: count for key, count in self.by_contact.items()})

    def to_plain(self):
        return list(self.by_contact.items())


class CountingRun:
    def __init__(self, follower):
        self.follower = follower
        self.finished = 0

    def apply(self, gathered, *, alongside=None):
        self.follower.given_the_insert.append(alongside is not None)
        if alongside is not None:
            alongside()
        self.follower.counts.update(gathered.by_contact)

    def finish(self):
        self.finished += 1


class CountingFollower:
    """Counts the events of each contact it is handed."""

    tables_it_reads = ()
    tables_read_from_it = ()

    def __init__(self):
        self.counts = Counter()
        self.runs = []
        self.given_the_insert = []

    def gather(self, events, contact_key):
        return EventCounts(dict(Counter(contact_key(event) for event in events)))

    def from_plain(self, plain):
        return EventCounts(dict(plain))

    def start(self, workspace, *, private_contacts=()):
        self.runs.append(CountingRun(self))
        return self.runs[-1]


@pytest.fixture
def counter(monkeypatch):
    follower = CountingFollower()
    monkeypatch.setattr(followers, "_followers", [FUNNEL_ROLLUPS, follower])
    return follower


def _counts_by_external_id(workspace, counts: Counter) -> dict[str, int]:
    external_ids = dict(Contact.objects.filter(workspace=workspace).values_list("pk", "external_id"))
    return {external_ids[contact_id]: count for contact_id, count in counts.items()}


def test_the_report_follows_the_log_once_its_app_is_ready():
    assert FUNNEL_ROLLUPS in followers.log_followers()
    followers.follow_the_log(FUNNEL_ROLLUPS)  # a second ready() registers nothing more
    assert followers.log_followers().count(FUNNEL_ROLLUPS) == 1


def test_with_no_follower_the_log_appends_alone(workspace, monkeypatch):
    monkeypatch.setattr(followers, "_followers", [])
    summary = import_log(workspace, [json.dumps(obj) for obj in LOG], batch_size=3)
    assert (summary.events_taken, summary.duplicates_skipped) == (4, 0)
    again = import_log(workspace, [json.dumps(obj) for obj in [*LOG, _visit("c4", 5, "e5")]])
    assert (again.events_taken, again.duplicates_skipped) == (1, 4)  # the batch written again
    with transaction.atomic():
        record_event(workspace, "help_center.visited", contact=contact_for_external_id(workspace, "c9"))
    assert Event.objects.filter(workspace=workspace).count() == 6
    assert not SupportSession.objects.filter(workspace=workspace).exists()


def test_each_follower_gets_each_batch_with_contact_ids_and_the_first_one_the_insert(workspace, counter):
    summary = import_log(workspace, [json.dumps(obj) for obj in LOG], batch_size=3)
    assert summary.events_taken == 4
    assert _counts_by_external_id(workspace, counter.counts) == {"c1": 2, "c2": 1, "c3": 1}
    assert counter.given_the_insert == [False, False]  # the funnel's rollups, first, ran it
    assert [run.finished for run in counter.runs] == [1]  # one run for the import, finished once
    assert Event.objects.filter(workspace=workspace).count() == 4
    assert SupportSession.objects.filter(workspace=workspace).count() == 4  # c1: two days apart


def test_a_follower_first_in_line_runs_the_insert(workspace, counter, monkeypatch):
    monkeypatch.setattr(followers, "_followers", [counter, FUNNEL_ROLLUPS])
    import_log(workspace, [json.dumps(obj) for obj in LOG])
    assert counter.given_the_insert == [True]
    assert Event.objects.filter(workspace=workspace).count() == 4
    assert SupportSession.objects.filter(workspace=workspace).count() == 4  # c1: two days apart


def test_a_batch_that_meets_a_taken_id_reaches_the_followers_once_without_it(workspace, counter):
    import_log(workspace, [json.dumps(obj) for obj in LOG[:2]])
    summary = import_log(workspace, [json.dumps(obj) for obj in LOG])
    assert (summary.events_taken, summary.duplicates_skipped) == (2, 2)
    assert _counts_by_external_id(workspace, counter.counts) == {"c1": 2, "c2": 1, "c3": 1}


def test_the_reader_process_carries_each_followers_input(workspace, counter, tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(obj) + "\n" for obj in LOG), encoding="utf-8")
    assert import_log_file(workspace, str(path), batch_size=2).events_taken == 4
    assert _counts_by_external_id(workspace, counter.counts) == {"c1": 2, "c2": 1, "c3": 1}


def test_record_event_the_events_api_and_append_events_each_make_one_run(workspace, counter):
    contact = contact_for_external_id(workspace, "c1")
    with transaction.atomic():
        record_event(workspace, "help_center.visited", contact=contact)
    append_log_objects(workspace, LOG[1:3])
    with transaction.atomic():
        event = parse_log_object(_visit("c1", 9, "e9"))
        event.contact_id = contact.pk
        append_events(workspace, [event])
    assert [run.finished for run in counter.runs] == [1, 1, 1]
    assert _counts_by_external_id(workspace, counter.counts) == {"c1": 3, "c2": 1}


def test_an_import_refreshes_the_statistics_of_the_followers_tables(counter):
    counter.tables_it_reads = (Event,)
    counter.tables_read_from_it = (Event,)
    assert tables_an_import_reads() == (Contact, *FUNNEL_ROLLUPS.tables_it_reads, Event)
    assert followers.tables_read_from_followers() == (*FUNNEL_ROLLUPS.tables_read_from_it, Event)
