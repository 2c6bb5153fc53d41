"""The rollups, fed in any order, in parts, twice, or through the product's record_event, give the
same report as a from-scratch reading of the whole log."""

import itertools
import json
import random

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concierge.contacts.services import contact_for_external_id
from concierge.events.message_records import apply_message_record
from concierge.events.parsing import MessageRecord, parse_log_object
from concierge.events.services import record_event
from concierge.events.services.importing import import_log, import_log_file
from concierge.reports.selectors import support_report
from concierge.reports.services import RollupsRun
from concierge.workspaces.services import create_workspace, update_workspace
from tests.reports.random_logs import periods_around, support_logs
from tests.reports.reference import reference_report

ZONES = ["America/New_York", "Australia/Sydney", "America/Santiago", "Asia/Kathmandu", "UTC"]
FILTERS = [{}, {"tag": "outage"}, {"content_type": "banner", "sender": "t1"}]
_workspace_numbers = itertools.count()


def _new_workspace(zone: str):
    number = next(_workspace_numbers)
    return create_workspace(
        name=f"Random {number}", slug=f"random-{number}", timezone_name=zone, owner_email="owner@random.test"
    )


def _record_through_product(workspace, objects: list[dict]) -> None:
    for obj in objects:
        item = parse_log_object(obj)
        if isinstance(item, MessageRecord):
            apply_message_record(workspace, item)
            continue
        with transaction.atomic():
            record_event(
                workspace,
                item.type,
                contact=contact_for_external_id(workspace, item.contact_ref),
                at=item.at,
                conversation_ref=item.conversation_ref,
                message_ref=item.message_ref,
                data=item.data,
                external_id=item.external_id,
            )


def _assert_reports_match(workspace, imported_in_order: list[dict]) -> None:
    for (date_from, date_to), filters in itertools.product(periods_around(imported_in_order), FILTERS):
        expected = reference_report(imported_in_order, workspace.timezone, date_from, date_to, **filters)
        assert support_report(workspace, date_from, date_to, **filters) == expected, (
            date_from,
            date_to,
            filters,
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    log=support_logs(),
    zone=st.sampled_from(ZONES),
    seed=st.integers(0, 2**32),
    parts=st.integers(1, 4),
    batch_size=st.sampled_from([3, 20_000]),
)
def test_parts_in_any_order_give_the_reference_report(db, monkeypatch, log, zone, seed, parts, batch_size):
    """Small batches hold the day totals over several batches and save them part-way (the held
    limit lowered to a few rows) as well as at the end."""
    monkeypatch.setattr(RollupsRun, "DAY_TOTALS_HELD", 4)
    workspace = _new_workspace(zone)
    shuffled = list(log)
    rng = random.Random(seed)
    rng.shuffle(shuffled)
    cuts = (
        sorted(rng.sample(range(1, len(shuffled)), min(parts - 1, len(shuffled) - 1)))
        if len(shuffled) > 1
        else []
    )
    chunks = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)], strict=True)]
    imported = []
    for number, chunk in enumerate(chunks):
        if number == 1:
            _record_through_product(workspace, chunk)
        else:
            summary = import_log(workspace, [json.dumps(obj) for obj in chunk], batch_size=batch_size)
            assert not summary.rejected and not summary.bad_lines
        imported.extend(chunk)
    if chunks:  # the first part again: nothing changes
        assert import_log(workspace, [json.dumps(obj) for obj in chunks[0]]).events_taken == 0
        imported.extend(chunks[0])
    _assert_reports_match(workspace, imported)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=support_logs(), zones=st.permutations(ZONES))
def test_a_new_workspace_zone_gives_the_reference_report_before_and_after_rebuilding(db, log, zones):
    workspace = _new_workspace(zones[0])
    import_log(workspace, [json.dumps(obj) for obj in log])
    update_workspace(workspace, timezone_name=zones[1])
    _assert_reports_match(workspace, log)  # counted from the row-level rollups
    late = {
        "type": "help_center.visited",
        "at": "2026-01-01T00:00:00Z",
        "contact": "late",
        "channel": "help_center",
    }
    import_log(workspace, [json.dumps(late)])  # the next write rebuilds the day totals for the new zone
    _assert_reports_match(workspace, [*log, late])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=support_logs(), zone=st.sampled_from(ZONES), seed=st.integers(0, 2**32))
def test_files_read_by_the_reader_process_give_the_reference_report(db, tmp_path_factory, log, zone, seed):
    """The command's way in: batches parsed in a second process and passed over as plain values;
    the second file overlaps the first, so its batches meet ids already in the log and are written
    again from their lines without them."""
    workspace = _new_workspace(zone)
    shuffled = list(log)
    random.Random(seed).shuffle(shuffled)
    half = len(shuffled) // 2
    folder = tmp_path_factory.mktemp("logs")
    for name, part in (("first.jsonl", shuffled[: half + 2]), ("second.jsonl", shuffled[half:])):
        path = folder / name
        path.write_text("".join(json.dumps(obj) + "\n" for obj in part), encoding="utf-8")
        summary = import_log_file(workspace, str(path), batch_size=4)
        assert not summary.rejected and not summary.bad_lines
    _assert_reports_match(workspace, shuffled)
