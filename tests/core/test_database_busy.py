"""A write that finds the database busy with a large import is answered 503 with Retry-After, never
a 500, and changes nothing (docs/decisions/busy-sqlite-answers-503.md). On SQLite a real import holds
the database in another process; on PostgreSQL writes go on beside it. Any other database error
stays an error."""

import json
import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection

from concierge.conversations import services as conversation_services
from concierge.core.database_busy import BUSY_MESSAGE, server_error
from concierge.core.db import is_database_busy, waiting_for_a_busy_database
from concierge.events.models import Event
from concierge.events.services.importing import import_log
from concierge.workspaces.models import Workspace
from tests.child_process import child_on_a_sqlite_file, json_from_a_child_on_a_sqlite_file

from .busy_import import BATCH_SIZE, EVENTS, HOLDING, RELEASE, log_lines

CHILD = "tests.core.busy_import"


@pytest.fixture
def busy_error(tmp_path) -> OperationalError:
    """The error a write gets from SQLite when another connection holds the database, as Django
    raises it (its own OperationalError, the driver's as the cause)."""
    holder = sqlite3.connect(tmp_path / "held.sqlite3", isolation_level=None)
    waiter = sqlite3.connect(tmp_path / "held.sqlite3", isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        waiter.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as locked:
        error = OperationalError(*locked.args)
        error.__cause__ = locked
        return error
    finally:
        holder.close()
        waiter.close()
    pytest.fail("the second writer was let in")


def _wait_for(path, child) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert child.poll() is None, child.communicate()[1]
        assert time.monotonic() < deadline, "the import never started"
        time.sleep(0.05)


def test_on_sqlite_a_write_during_a_large_import_is_answered_503_and_goes_through_after(
    tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite lets one writer in at a time; PostgreSQL's test is below")
    monkeypatch.setenv("WEB_WRITE_WAIT_SECONDS", "1")  # the children's settings read it
    importer = child_on_a_sqlite_file(CHILD, "import", str(tmp_path), folder=tmp_path)
    try:
        _wait_for(tmp_path / HOLDING, importer)
        during = json_from_a_child_on_a_sqlite_file(CHILD, "write", str(tmp_path), folder=tmp_path)
    finally:
        (tmp_path / RELEASE).touch()
        output, errors = importer.communicate(timeout=120)
    assert importer.returncode == 0, errors
    assert json.loads(output.splitlines()[-1]) == {"events_taken": EVENTS, "rejected": False}

    api, page = during["api"], during["page"]
    assert (api["status"], api["retry_after"], api["content_type"]) == (
        503,
        "1",
        "application/json; charset=utf-8",
    )
    assert "busy" in json.loads(api["body"])["detail"]
    assert (page["status"], page["retry_after"]) == (503, "1")
    assert page["content_type"].startswith("text/html") and "try again" in page["body"].lower()
    assert (during["tags"], during["imported_events"]) == (
        [],
        0,
    )  # nothing half-written, the import not seen yet

    after = json_from_a_child_on_a_sqlite_file(CHILD, "write", str(tmp_path), folder=tmp_path)
    assert (after["api"]["status"], after["page"]["status"]) == (201, 302)
    assert (after["tags"], after["imported_events"]) == (["from a page", "from the API"], EVENTS)


@pytest.mark.django_db(transaction=True)  # the import runs on a connection of its own: data is committed
def test_on_postgresql_writes_go_on_beside_a_large_import(workspace, api):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL lets writers of different rows write at once; SQLite's test is above")
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def hold_after_the_first_batch(summary) -> None:
        if not holding.is_set():
            holding.set()
            release.wait(60)

    def run_import() -> None:
        try:
            outcome["summary"] = import_log(
                Workspace.objects.get(pk=workspace.pk),
                log_lines(EVENTS),
                batch_size=BATCH_SIZE,
                on_batch=hold_after_the_first_batch,
            )
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert holding.wait(60), "the import never started"
        with connection.cursor() as cursor:  # a write that waited for the import would fail, not hang
            cursor.execute("SET statement_timeout = '20s'")
        response = api.post("/tags", {"name": "beside the import"})
    finally:
        release.set()
        importer.join(60)
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 201, response.content
    assert outcome["summary"].events_taken == EVENTS
    assert Event.objects.filter(workspace=workspace).count() == EVENTS


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_write_waiting_for_rows_an_import_holds_is_answered_503(workspace, api):
    """The import holds the contacts it names until it commits; a write to one of them waits as
    long as a web request waits, then is answered 503 rather than hanging."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks held by another transaction: SQLite's whole-database lock is above")
    holding, release = threading.Event(), threading.Event()

    def run_import() -> None:
        try:
            import_log(
                Workspace.objects.get(pk=workspace.pk),
                log_lines(EVENTS),
                batch_size=BATCH_SIZE,
                on_batch=lambda summary: holding.is_set() or (holding.set(), release.wait(60)),
            )
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert holding.wait(60), "the import never started"
        event = {"type": "help_center.visited", "at": "2026-03-02T10:00:00Z", "contact": "c1", "id": "late"}
        with waiting_for_a_busy_database(1):
            response = api.post("/events", {"events": [event]})
    finally:
        release.set()
        importer.join(60)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] and response.json() == {"detail": BUSY_MESSAGE}
    assert not Event.objects.filter(workspace=workspace, external_id="late").exists()
    assert api.post("/events", {"events": [event]}).status_code == 200


def test_a_busy_database_met_outside_a_view_is_a_503_too(busy_error, rf):
    """Saving the session on the way out, say: the 500 handler tells it apart."""
    request = rf.post("/w/acme/")
    try:
        raise busy_error
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"]
    try:
        raise OperationalError("no such table: nothing")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 500


def test_a_busy_database_is_told_by_its_error_code(busy_error):
    assert is_database_busy(busy_error) and is_database_busy(busy_error.__cause__)
    try:
        sqlite3.connect(":memory:").execute("SELECT * FROM no_such_table")
    except sqlite3.OperationalError as missing:
        assert not is_database_busy(missing)
    assert not is_database_busy(OperationalError("database is locked"))  # words alone: not SQLite's


@pytest.mark.django_db
def test_the_api_answers_a_busy_database_503_in_its_usual_shape(api, monkeypatch, busy_error, settings):
    settings.WEB_WRITE_WAIT_SECONDS = 2.5

    def busy(*args, **kwargs):
        raise busy_error

    monkeypatch.setattr(conversation_services, "create_tag", busy)
    response = api.post("/tags", {"name": "urgent"})
    assert (response.status_code, response["Retry-After"]) == (503, "3")
    assert response.json() == {"detail": BUSY_MESSAGE}


@pytest.mark.django_db
def test_a_page_answers_a_busy_database_503_with_a_short_page(
    client, owner, contact, monkeypatch, busy_error, settings
):
    settings.WEB_WRITE_WAIT_SECONDS = 1
    conversation = conversation_services.start_conversation(owner.workspace, contact=contact, body="Hi")

    def busy(*args, **kwargs):
        raise busy_error

    monkeypatch.setattr(conversation_services, "tag_for_name", busy)
    client.force_login(owner.user)
    response = client.post(f"/w/acme/inbox/{conversation.pk}/tags/add/", {"tag": "urgent"})
    assert (response.status_code, response["Retry-After"]) == (503, "1")
    assert "Busy, try again in a few seconds" in response.content.decode()


@pytest.mark.django_db
def test_any_other_database_error_stays_an_error(api, client, owner, contact, monkeypatch):
    conversation = conversation_services.start_conversation(owner.workspace, contact=contact, body="Hi")

    def broken(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(conversation_services, "create_tag", broken)
    with pytest.raises(OperationalError):
        api.post("/tags", {"name": "urgent"})
    monkeypatch.setattr(conversation_services, "tag_for_name", broken)
    client.force_login(owner.user)
    with pytest.raises(OperationalError):
        client.post(f"/w/acme/inbox/{conversation.pk}/tags/add/", {"tag": "urgent"})


@pytest.mark.django_db
def test_a_long_writer_waits_long_on_its_connection_and_on_those_opened_meanwhile():
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite makes a writer wait for another")

    def busy_timeout() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            return cursor.fetchone()[0]

    def busy_timeout_of_a_new_connection() -> int:
        found = []
        thread = threading.Thread(target=lambda: (found.append(busy_timeout()), connection.close()))
        thread.start()
        thread.join()
        return found[0]

    web = busy_timeout()
    with waiting_for_a_busy_database(600):
        assert (busy_timeout(), busy_timeout_of_a_new_connection()) == (600_000, 600_000)
    assert (busy_timeout(), busy_timeout_of_a_new_connection()) == (web, web)
