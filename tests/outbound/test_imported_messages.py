"""Messages known only from imported history: the log's `outbound_message` records make and change
them (through the registry events offers), a record cannot rewrite a message written in Concierge,
and the migration turned the log's old descriptions into such messages."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from concierge.events.services.importing import import_log
from concierge.outbound.models import Message
from concierge.outbound.selectors import message_by_ref
from concierge.outbound.selectors.descriptions import refs_passing


def _record(**fields) -> str:
    return json.dumps({"type": "outbound_message", **fields})


def test_records_make_an_imported_message_and_replace_only_the_fields_they_name(workspace, agent):
    import_log(workspace, [_record(id="m1", content_type="banner", sender="t1", tags=["outage"])])
    import_log(workspace, [_record(id="m1", tags=["outage", "billing"])])
    message = message_by_ref(workspace, "m1")
    assert (message.imported, message.state, message.content_type, message.sender_ref, message.tags) == (
        True,
        "stopped",
        "banner",
        "t1",
        ["outage", "billing"],
    )
    assert refs_passing(workspace, tag="billing", sender="t1", content_type="banner") == {"m1"}
    assert refs_passing(workspace, sender="t2") == set()


def test_a_record_cannot_rewrite_a_message_written_in_concierge(workspace, make_message):
    message = make_message("chat", tags=["onboarding"])
    summary = import_log(workspace, [_record(id=message.ref, tags=["outage"])], skip_bad_lines=True)
    ((line, reason),) = summary.bad_lines
    assert line == 1 and "written in Concierge" in reason
    assert Message.objects.get(pk=message.pk).tags == ["onboarding"]


def test_the_report_names_a_concierge_message_by_its_senders_ref(workspace, agent, make_message):
    message = make_message("post", sender=agent, tags=["news"])
    assert refs_passing(workspace, sender=agent.ref) == {message.ref}
    assert refs_passing(workspace, tag="news", content_type="post") == {message.ref}
    assert refs_passing(workspace, tag="news", content_type="chat") == set()


def test_another_workspaces_messages_are_not_read(workspace, other_workspace):
    import_log(other_workspace, [_record(id="m1", tags=["outage"])])
    assert refs_passing(workspace, tag="outage") == set()
    assert message_by_ref(workspace, "m1") is None


BEFORE = [("events", "0008_tracked_events_by_time"), ("outbound", "0001_initial")]
AFTER = [
    ("events", "0009_message_descriptions_moved_to_outbound"),
    ("outbound", "0002_messages_described_by_the_log"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_description_into_an_imported_message(workspace):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    described = old.get_model("events", "MessageDescription")
    described.objects.create(
        workspace_id=workspace.pk, ref="m1", content_type="banner", sender="t1", tags=["outage"]
    )
    described.objects.create(workspace_id=workspace.pk, ref="m2", content_type=None, sender=None, tags=[])
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    moved = {m.ref: m for m in Message.objects.filter(workspace=workspace)}
    assert set(moved) == {"m1", "m2"}
    assert all(m.imported and m.state == "stopped" for m in moved.values())
    assert (moved["m1"].content_type, moved["m1"].sender_ref, moved["m1"].tags) == (
        "banner",
        "t1",
        ["outage"],
    )
    assert (moved["m2"].content_type, moved["m2"].sender_ref, moved["m2"].tags) == ("", None, [])
    assert "events_messagedescription" not in connection.introspection.table_names()
