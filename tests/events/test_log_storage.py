"""How the log is stored: few indexes (each costs every imported event), no database constraint on its references; the reads that need an index still use it and nothing is left behind."""

import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concierge.core.db import run_alongside
from concierge.events.models import Event
from concierge.events.selectors import meeting_events
from concierge.events.services.importing import import_log
from concierge.events.types import MEETING_TYPES_FROM, MEETING_TYPES_UNTIL, SPEC_EVENT_TYPES
from concierge.meetings.event_types import MEETING_EVENT_TYPES
from concierge.reports.models import SupportSession
from concierge.reports.selectors import support_report


def test_every_meeting_event_type_falls_in_the_indexed_range():
    assert all(MEETING_TYPES_FROM <= name < MEETING_TYPES_UNTIL for name in MEETING_EVENT_TYPES)
    assert not any(MEETING_TYPES_FROM <= name < MEETING_TYPES_UNTIL for name in SPEC_EVENT_TYPES)


@pytest.mark.django_db
def test_the_sessions_report_reads_meeting_events_through_their_index(workspace):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # else it rightly scans a table this small
            cursor.execute("SET LOCAL enable_seqscan = off")
    query = meeting_events(workspace).filter(
        type__in=MEETING_EVENT_TYPES,
        at__gte=datetime(2026, 1, 1, tzinfo=UTC),
        at__lt=datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert "event_meetings_by_time" in query.explain()


def test_a_range_of_literals_takes_quotes_and_percent_signs_as_they_are(workspace, contact):
    """The meeting events' condition is written with literals (see meeting_events); any text keeps
    its meaning in them."""
    from django.db import transaction

    from concierge.core.db import where_range_as_literals
    from concierge.events.services import record_event

    with transaction.atomic():
        for type_ in ("it's 100%", "it's 100% a", "it's 100%z", "it's 2"):
            record_event(workspace, type_, contact=contact)
    events = Event.objects.filter(workspace=workspace)
    within = where_range_as_literals(events, "type", "it's 100%", "it's 100%z")
    assert sorted(within.values_list("type", flat=True)) == ["it's 100%", "it's 100% a"]


@pytest.mark.django_db(transaction=True)
def test_deleting_a_workspace_deletes_its_log_and_rollups(workspace, other_workspace):
    """The log and the rollups reference workspaces without database constraints; Django's collector
    still deletes them with their workspace, and another workspace's rows stay."""
    from concierge.events.models import Event
    from concierge.events.services.importing import import_log
    from concierge.reports.models import ConversationFacts, OutboundSend, SupportSession

    lines = [
        {"type": "outbound.sent", "at": "2026-03-02T08:00:00Z", "contact": "c1", "message": "m1", "id": "e1"},
        {"type": "help_center.visited", "at": "2026-03-02T09:00:00Z", "contact": "c1", "id": "e2"},
        {"type": "conversation.started", "at": "2026-03-02T09:05:00Z", "contact": "c1", "conversation": "k1"},
    ]
    for each in (workspace, other_workspace):
        assert import_log(each, [json.dumps(line) for line in lines]).events_taken == 3
    workspace.delete()
    for model in (Event, SupportSession, ConversationFacts, OutboundSend):
        assert not model.objects.filter(workspace_id=workspace.pk).exists()
        assert model.objects.filter(workspace_id=other_workspace.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_log_keeps_every_character_of_ids_refs_and_fields_exactly(workspace, tmp_path):
    """The importer hands the database prepared rows (COPY text on PostgreSQL): tabs, newlines,
    backslashes, quotes and other scripts in ids, references and fields come back as they went in."""
    from concierge.events.models import Event
    from concierge.events.services.importing import import_log_file

    awkward = 'a\tb\nc\\d\re "q" \\N é 漢 🙂'
    lines = [
        {
            "type": "article.searched",
            "at": "2026-03-02T09:00:00.000001Z",
            "contact": f"u{awkward}",
            "id": f"id-{awkward}",
            "query": awkward,
        },
        {
            "type": "conversation.started",
            "at": "2026-03-02T09:05:00+05:45",
            "contact": "u2",
            "conversation": f"k{awkward}",
            "id": "\\N",
        },
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert import_log_file(workspace, str(path)).events_taken == 2
    searched = Event.objects.get(workspace=workspace, type="article.searched")
    assert searched.external_id == f"id-{awkward}"
    assert searched.data == {"query": awkward}
    assert searched.contact.external_id == f"u{awkward}"
    assert searched.at == datetime(2026, 3, 2, 9, 0, 0, 1, tzinfo=UTC)
    started = Event.objects.get(workspace=workspace, type="conversation.started")
    assert started.external_id == "\\N"
    assert started.conversation_ref == f"k{awkward}"
    assert started.at == datetime(2026, 3, 2, 3, 20, tzinfo=UTC)
    assert started.data == {"initiator": "contact"}


def test_id_ranges_hold_exactly_the_ids_added():
    from concierge.events.services.contact_directory import IdRanges

    ranges = IdRanges()
    ranges.add([5, 3, 4, 10, 11])
    ranges.add([12, 20, 1])
    ranges.add([2, 4, 15])
    expected = {1, 2, 3, 4, 5, 10, 11, 12, 15, 20}
    assert {value for value in range(0, 25) if value in ranges} == expected
    assert len(ranges) == len(expected)
    assert len(ranges.starts) == 4  # 1-5, 10-12, 15, 20


@pytest.mark.django_db(transaction=True)
def test_an_import_knows_the_contacts_it_created_itself(workspace):
    """Contacts an import creates are invisible to other writers until it commits, so their rollups
    are not locked; a contact that existed before is not among them."""
    from django.db import transaction

    from concierge.contacts.models import Contact
    from concierge.events.parsing import parse_log_object
    from concierge.events.services.importing import ImportSummary, LogWriter

    earlier = Contact.objects.create(workspace=workspace, kind=Contact.Kind.USER, external_id="old")
    with transaction.atomic():
        writer = LogWriter(workspace, ImportSummary())
        writer.add_events(
            [
                parse_log_object(
                    {"type": "help_center.visited", "at": "2026-03-02T09:00:00Z", "contact": ref}
                )
                for ref in ("old", "new1", "new2")
            ]
        )
        writer.flush()
        created = writer.contacts.created
        new = Contact.objects.filter(workspace=workspace, external_id__in=["new1", "new2"])
        assert sorted(c.pk in created for c in new) == [True, True]
        assert earlier.pk not in created


def test_work_alongside_runs_while_the_block_runs_and_its_failure_is_raised_after():
    log = []
    with run_alongside(lambda: log.append("work")):
        log.append("block")
    assert sorted(log) == ["block", "work"]

    def fail():
        raise ValueError("the work failed")

    with pytest.raises(ValueError, match="the work failed"), run_alongside(fail):
        log.append("block again")
    assert log[-1] == "block again"

    with pytest.raises(KeyError), run_alongside(fail):  # the block's own error comes first
        raise KeyError("the block failed")


def test_a_log_insert_alongside_that_meets_a_taken_id_writes_nothing_of_its_batch(workspace):
    """The batch's rollups were worked out while the insert ran; the insert fails on an id already in
    the log, so they are dropped, and the batch is written again without the duplicate."""
    first = [{"type": "help_center.visited", "at": "2026-03-01T10:00:00Z", "contact": "c1", "id": "e1"}]
    import_log(workspace, [json.dumps(obj) for obj in first])
    second = [
        {"type": "help_center.visited", "at": "2026-03-01T10:00:00Z", "contact": "c1", "id": "e1"},
        {"type": "help_center.visited", "at": "2026-03-05T10:00:00Z", "contact": "c1", "id": "e2"},
    ]
    summary = import_log(workspace, [json.dumps(obj) for obj in second])
    assert (summary.events_taken, summary.duplicates_skipped) == (1, 1)
    assert Event.objects.filter(workspace=workspace).count() == 2
    assert SupportSession.objects.filter(workspace=workspace).count() == 2
    current = support_report(workspace, date(2026, 3, 1), date(2026, 3, 31))["current"]
    assert current["sessions"]["stopped"] == 2


@given(st.lists(st.none() | st.text(st.characters(blacklist_characters="\x00")), min_size=1, max_size=8))
def test_a_copy_line_joined_at_once_equals_one_escaped_value_by_value(values):
    from concierge.core.db import copy_line, copy_text

    assert copy_line(values) == "\t".join(copy_text(value) for value in values)
    assert copy_line(tuple(values)) == copy_line(values)


@pytest.mark.parametrize("through_copy", [False, True])
def test_adding_to_totals_creates_missing_rows_and_adds_to_those_there(workspace, monkeypatch, through_copy):
    """Large upserts go through COPY and a temporary table on PostgreSQL; both ways add the same."""
    from django.db import transaction

    from concierge.core import db
    from concierge.reports.models import ReturningDayTotals

    monkeypatch.setattr(db, "COPY_UPSERT_FROM", 10 if through_copy else 1_000_000)
    first = [(workspace.pk, day, day - 1, 1) for day in range(0, 3_000, 2)]
    second = [(workspace.pk, day, day - 1, 5) for day in range(0, 3_000, 3)]
    with transaction.atomic():
        db.add_to_totals(ReturningDayTotals, ("workspace_id", "day", "prev_day"), ("sessions",), first)
        db.add_to_totals(ReturningDayTotals, ("workspace_id", "day", "prev_day"), ("sessions",), second)
    stored = dict(ReturningDayTotals.objects.filter(workspace=workspace).values_list("day", "sessions"))
    expected = {day: (1 if day % 2 == 0 else 0) + (5 if day % 3 == 0 else 0) for day in range(3_000)}
    assert stored == {day: count for day, count in expected.items() if count}


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.lists(
            st.text(
                st.sampled_from('a,{}"\\ NUL')
                | st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
            ),
            min_size=1,
        ),
        st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1),
    )
)
def test_one_of_finds_exactly_the_values_given(values):
    """On PostgreSQL the values travel as one array literal: quotes, backslashes, commas and braces
    in them must come back as they went."""
    from concierge.core.db import is_postgresql, one_of, select

    condition, params = one_of("x", values)
    if is_postgresql():
        given = "SELECT unnest(%s::" + ("bigint" if type(values[0]) is int else "text") + "[]) AS x"
        given_params = [values]
    else:
        given = "SELECT value AS x FROM json_each(%s)"
        given_params = [json.dumps(values)]
    rows = select(f"SELECT x FROM ({given}) given WHERE {condition}", [*given_params, *params])
    assert sorted(row[0] for row in rows) == sorted(values)
