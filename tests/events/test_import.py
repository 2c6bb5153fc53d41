"""`concierge events import`: streaming, all-or-nothing unless told to skip bad lines, idempotent."""

import io
import json
import os
import sys
import threading
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from concierge.contacts.models import Contact
from concierge.events.models import Event
from concierge.events.services import importing, log
from concierge.events.services.importing import import_log, import_log_file
from concierge.outbound.selectors import message_by_ref
from concierge.reports.selectors import support_report

EXAMPLE = [
    {"type": "outbound_message", "id": "m1", "content_type": "banner", "sender": "t1", "tags": ["outage"]},
    {"type": "outbound.sent", "at": "2026-03-02T08:00:00Z", "contact": "c1", "message": "m1", "id": "e1"},
    {
        "type": "help_center.visited",
        "at": "2026-03-02T09:00:00Z",
        "contact": "c1",
        "channel": "help_center",
        "id": "e2",
    },
    {
        "type": "article.viewed",
        "at": "2026-03-02T09:01:10Z",
        "contact": "c1",
        "channel": "help_center",
        "article": "a7",
        "id": "e3",
    },
    {
        "type": "conversation.started",
        "at": "2026-03-02T09:05:00Z",
        "contact": "c1",
        "conversation": "k1",
        "channel": "messenger",
        "id": "e4",
    },
    {
        "type": "conversation.replied",
        "at": "2026-03-02T09:20:00Z",
        "contact": "c1",
        "conversation": "k1",
        "author": "teammate",
        "teammate": "t2",
        "id": "e5",
    },
    {
        "type": "conversation.closed",
        "at": "2026-03-02T10:00:00Z",
        "contact": "c1",
        "conversation": "k1",
        "by": "teammate",
        "id": "e6",
    },
    {
        "type": "conversation.rated",
        "at": "2026-03-02T10:05:00Z",
        "contact": "c1",
        "conversation": "k1",
        "rating": 5,
        "id": "e7",
    },
]
BAD_LINES = [
    ("{not json", "not valid JSON"),
    (
        '{"type": "article.liked", "at": "2026-03-02T09:00:00Z", "contact": "c1"}',
        "unknown type 'article.liked'",
    ),
    (
        '{"type": "help_center.visited", "contact": "c1", "channel": "help_center"}',
        "lacks the required field 'at'",
    ),
    ('{"type": "help_center.visited", "at": "2026-03-02T09:00:00Z", "channel": "help_center"}', "'contact'"),
    (
        '{"type": "help_center.visited", "at": "2026-03-02T09:00:00", "contact": "c1", "channel": "x"}',
        "no UTC offset",
    ),
    (
        '{"type": "conversation.rated", "at": "2026-03-02T09:00:00Z", "contact": "c1", "conversation": "k1", "rating": 6}',
        "'rating' must be a whole number from 1 to 5",
    ),
    (
        '{"type": "conversation.started", "at": "2026-03-02T09:00:00Z", "contact": "c1", "channel": "email"}',
        "'conversation'",
    ),
    ("[1, 2]", "not a JSON object"),
]


def write_log(path, objects_or_lines) -> str:
    lines = [item if isinstance(item, str) else json.dumps(item) for item in objects_or_lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run_import(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("events", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_spec_example_imports_with_a_summary(workspace, tmp_path):
    out, _ = run_import(write_log(tmp_path / "log.jsonl", EXAMPLE), "--workspace", "acme")
    assert "7 events taken, 0 duplicates skipped, 1 records applied, 0 bad lines" in out
    assert Event.objects.filter(workspace=workspace).count() == 7
    assert Contact.objects.get(workspace=workspace, external_id="c1")
    message = message_by_ref(workspace, "m1")
    assert (message.imported, message.content_type, message.sender_ref, message.tags) == (
        True,
        "banner",
        "t1",
        ["outage"],
    )
    report = support_report(workspace, date(2026, 3, 2), date(2026, 3, 2))["current"]
    assert report["sessions"]["human_after_self_serve"] == 1
    assert report["proactive"]["sent"] == 1


def test_importing_the_same_file_twice_changes_nothing(workspace, tmp_path):
    path = write_log(tmp_path / "log.jsonl", EXAMPLE)
    run_import(path, "--workspace", "acme")
    before = support_report(workspace, date(2026, 3, 1), date(2026, 3, 31))
    out, _ = run_import(path, "--workspace", "acme")
    assert "0 events taken, 7 duplicates skipped" in out
    assert Event.objects.filter(workspace=workspace).count() == 7
    assert support_report(workspace, date(2026, 3, 1), date(2026, 3, 31)) == before


def test_a_duplicate_id_within_one_file_is_taken_once(workspace):
    summary = import_log(workspace, [json.dumps(EXAMPLE[2]), json.dumps(EXAMPLE[2])])
    assert (summary.events_taken, summary.duplicates_skipped) == (1, 1)


def test_a_file_overlapping_an_earlier_import_takes_only_its_new_events(workspace, other_workspace):
    """The insert meets a known id, rolls back to its savepoint and takes the batch's new events
    only: the log and the report are those of each event imported once."""
    events = [obj for obj in EXAMPLE if "at" in obj]
    first = import_log(workspace, [json.dumps(obj) for obj in [EXAMPLE[0], *events[:4]]])
    assert (first.events_taken, first.duplicates_skipped) == (4, 0)
    second = import_log(workspace, [json.dumps(obj) for obj in events[2:]])
    assert (second.events_taken, second.duplicates_skipped) == (3, 2)
    assert sorted(Event.objects.filter(workspace=workspace).values_list("external_id", flat=True)) == sorted(
        obj["id"] for obj in events
    )
    import_log(other_workspace, [json.dumps(obj) for obj in EXAMPLE])  # the same log, once
    period = (date(2026, 3, 1), date(2026, 3, 31))

    def figures(report: dict) -> dict:  # the two workspaces' zones differ, so their periods' bounds do
        return {key: value for key, value in report["current"].items() if key not in ("start", "end")}

    assert figures(support_report(workspace, *period)) == figures(support_report(other_workspace, *period))


def many_events(count: int, *, first: int = 0) -> list[str]:
    return [
        json.dumps(
            {
                "type": "help_center.visited",
                "at": f"2026-03-02T09:{number % 60:02d}:00Z",
                "contact": f"c{number % 7}",
                "channel": "help_center",
                "id": f"visit-{number}",
            }
        )
        for number in range(first, first + count)
    ]


def test_once_a_batch_meets_known_events_the_later_batches_are_looked_up_before_writing(
    workspace, other_workspace, monkeypatch
):
    """A file imported again: only its first batch tries an insert that fails on a known id; the
    later ones leave the known events out before writing, and still take their new ones."""
    import_log(workspace, many_events(40), batch_size=10)
    failed_inserts = []
    run = log._LogInsert.run

    def run_and_note_a_failure(insert):
        try:
            run(insert)
        except IntegrityError:
            failed_inserts.append(insert)
            raise

    monkeypatch.setattr(log._LogInsert, "run", run_and_note_a_failure)
    again = import_log(workspace, many_events(40) + many_events(15, first=40), batch_size=10)
    assert (again.events_taken, again.duplicates_skipped) == (15, 40)
    assert len(failed_inserts) == 1
    assert Event.objects.filter(workspace=workspace).count() == 55
    import_log(other_workspace, many_events(55))
    period = (date(2026, 3, 1), date(2026, 3, 31))
    sessions = support_report(workspace, *period)["current"]["sessions"]
    assert sessions == support_report(other_workspace, *period)["current"]["sessions"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_on_postgresql_the_look_up_of_known_events_reads_the_index_by_id(workspace):
    """The log's statistics are refreshed before the first look-up: planned from a log it took for
    empty, PostgreSQL read the workspace's whole index for each chunk of ids."""
    import_log(workspace, many_events(3000), batch_size=1000)
    with transaction.atomic():
        import_log(workspace, many_events(3000), batch_size=1000)
        sql, params = log.known_ids_query(workspace, [f"visit-{n}" for n in range(0, 3000, 150)])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "external_id" in index_condition, plan


def test_descriptive_fields_the_funnel_does_not_read_may_be_left_out(workspace):
    lines = [
        {"type": "help_center.visited", "at": "2026-03-02T09:00:00Z", "contact": "c1"},
        {"type": "article.viewed", "at": "2026-03-02T09:01:00Z", "contact": "c1"},
        {"type": "conversation.started", "at": "2026-03-02T09:05:00Z", "contact": "c1", "conversation": "k1"},
        {
            "type": "conversation.replied",
            "at": "2026-03-02T09:06:00Z",
            "contact": "c1",
            "conversation": "k1",
            "author": "teammate",
        },
        {"type": "outbound.sent", "at": "2026-03-02T08:00:00Z", "contact": "c1", "message": "m1"},
        {"type": "outbound.reacted", "at": "2026-03-02T08:01:00Z", "contact": "c1", "message": "m1"},
    ]
    summary = import_log(workspace, [json.dumps(line) for line in lines])
    assert summary.events_taken == 6
    current = support_report(workspace, date(2026, 3, 2), date(2026, 3, 2))["current"]
    assert current["sessions"]["human_after_self_serve"] == 1
    assert current["human_support"]["after_self_serve"]["median_first_response_seconds"] == 60.0
    assert current["proactive"]["reacted"] == 1


def test_standard_input_is_read_with_a_dash(workspace, monkeypatch):
    data = "\n".join(json.dumps(obj) for obj in EXAMPLE).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out, _ = run_import("-", "--workspace", "acme")
    assert "7 events taken" in out


def test_a_pipe_on_standard_input_is_read_by_the_reader_process(workspace, monkeypatch):
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(("\n".join(json.dumps(obj) for obj in EXAMPLE) + "\n{bad\n").encode())
    with os.fdopen(read_end, "rb") as stdin:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
        summary = import_log_file(workspace, "-", skip_bad_lines=True, batch_size=3)
    assert (summary.events_taken, summary.records_applied, summary.lines_read) == (7, 1, 9)
    [(number, reason)] = summary.bad_lines
    assert number == 9 and reason.startswith("not valid JSON")


def test_a_reader_that_fails_part_way_fails_the_import_and_writes_nothing(workspace, tmp_path, monkeypatch):
    """The reader process reads a file and its second batch cannot be read: the writer hears of it
    at that batch, its receiving thread stops, and the import's transaction is rolled back."""
    path = tmp_path / "log.jsonl"
    write_log(path, EXAMPLE)
    with open(path, "ab") as log:
        log.write(b"\xff\xfe not a line of text\n" * 3)
    real_parse = importing.parse_log_line

    def parse_or_fail(raw):
        if raw.startswith(b"\xff"):
            raise OSError("the disk went away")
        return real_parse(raw)

    threads_before = threading.active_count()
    monkeypatch.setattr(importing, "parse_log_line", parse_or_fail)  # the reader's fork inherits it
    with pytest.raises(RuntimeError, match="reading the log failed: OSError: the disk went away"):
        import_log_file(workspace, str(path), batch_size=4)
    assert Event.objects.filter(workspace=workspace).count() == 0
    assert threading.active_count() == threads_before


def test_any_bad_line_rejects_the_whole_file_with_each_line_and_reason(workspace, tmp_path):
    run_import(write_log(tmp_path / "first.jsonl", EXAMPLE[:3]), "--workspace", "acme")
    lines = [json.dumps(EXAMPLE[3]), ""] + [line for line, _ in BAD_LINES] + [json.dumps(EXAMPLE[4])]
    contacts_before = Contact.objects.filter(workspace=workspace).count()
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"Rejected: {len(BAD_LINES)} bad line"):
        call_command(
            "events", "import", write_log(tmp_path / "bad.jsonl", lines), "--workspace", "acme", stderr=err
        )
    listed = err.getvalue().splitlines()
    for number, (_, reason) in enumerate(BAD_LINES, start=3):  # line 2 is blank and ignored
        assert any(line.startswith(f"line {number}: ") and reason in line for line in listed), (
            number,
            listed,
        )
    assert Event.objects.filter(workspace=workspace).count() == 2  # only the first import
    assert Contact.objects.filter(workspace=workspace).count() == contacts_before


def test_skipping_bad_lines_takes_every_good_one(workspace, tmp_path):
    lines = [line for line, _ in BAD_LINES[:2]] + [json.dumps(obj) for obj in EXAMPLE]
    out, err = run_import(write_log(tmp_path / "log.jsonl", lines), "--workspace", "acme", "--skip-bad-lines")
    assert "7 events taken" in out and "2 bad lines skipped" in out
    assert "line 1: not valid JSON" in err and "line 2: unknown type" in err
    assert Event.objects.filter(workspace=workspace).count() == 7


def test_a_time_with_an_offset_other_than_utc_is_the_same_instant(workspace):
    event = {**EXAMPLE[2], "at": "2026-03-02T14:45:00+05:45"}
    import_log(workspace, [json.dumps(event)])
    stored = Event.objects.get(workspace=workspace)
    assert stored.at.isoformat() == "2026-03-02T09:00:00+00:00"


def test_an_unknown_workspace_or_a_missing_file_is_a_clear_error(workspace, tmp_path):
    with pytest.raises(CommandError, match="No workspace with slug 'nope'"):
        run_import(write_log(tmp_path / "log.jsonl", EXAMPLE), "--workspace", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(str(tmp_path / "missing.jsonl"), "--workspace", "acme")


def test_contact_records_create_and_update_contacts(workspace):
    import_log(
        workspace,
        [
            json.dumps({"type": "contact", "id": "c9", "name": "Nina", "email": "nina@example.test"}),
            json.dumps({**EXAMPLE[2], "contact": "c9"}),
            json.dumps({"type": "contact", "id": "c9", "timezone": "Europe/Belgrade"}),
        ],
    )
    contact = Contact.objects.get(workspace=workspace, external_id="c9")
    assert (contact.name, contact.email, contact.timezone) == ("Nina", "nina@example.test", "Europe/Belgrade")
    summary = import_log(workspace, [json.dumps({"type": "contact", "id": "c9", "email": "not-an-address"})])
    assert summary.rejected and "not a valid email address" in summary.bad_lines[0][1]


def test_a_message_record_replaces_only_the_fields_it_names(workspace):
    import_log(
        workspace, [json.dumps(EXAMPLE[0]), json.dumps({"type": "outbound_message", "id": "m1", "tags": []})]
    )
    message = message_by_ref(workspace, "m1")
    assert (message.content_type, message.sender_ref, message.tags) == ("banner", "t1", [])


def test_events_and_contacts_of_another_workspace_are_apart(workspace, other_workspace):
    import_log(workspace, [json.dumps(obj) for obj in EXAMPLE])
    import_log(other_workspace, [json.dumps(EXAMPLE[2])])  # the same event id in another workspace
    assert Event.objects.filter(workspace=other_workspace).count() == 1
    other = support_report(other_workspace, date(2026, 3, 2), date(2026, 3, 2))["current"]
    assert other["sessions"] == {**other["sessions"], "total": 1, "stopped": 1}
