"""Reactions (core.reactions): a service announces what happened, apps above react — as a durable task
enqueued with the change, after the commit in the same process, or inside the change's transaction."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from concierge.contacts.services import create_contact, merge_lead_into_user
from concierge.conversations import services as conversations
from concierge.conversations.announcements import (
    ConversationChanged,
    ConversationClosed,
    ConversationStarted,
    TeammateReplied,
)
from concierge.conversations.models import Conversation, Tag
from concierge.core.models import ReactionRun
from concierge.core.reactions import (
    AFTER_COMMIT,
    IN_TRANSACTION,
    Announcement,
    announce,
    from_plain,
    subscribe,
    subscriptions,
    to_plain,
    unsubscribe,
)
from concierge.events.selectors import events_of_workspace
from concierge.workspaces.models import Workspace

PROJECT_DIR = Path(__file__).resolve().parents[2]
heard: list = []


@pytest.fixture(autouse=True)
def nothing_heard_yet():
    heard.clear()
    yield
    heard.clear()


def _every_kind_of(announcement: type) -> list[type]:
    kinds = [announcement]
    for kind in announcement.__subclasses__():
        kinds.extend(_every_kind_of(kind))
    return kinds


@pytest.fixture
def only_the_tests_subscribers():
    """The apps' own subscribers to a conversation's changes (the bot answers a conversation that
    starts, routing runs its rules and clocks, the coach reviews a reply, …) are set aside for the
    test, so it counts the tasks and runs of its own subscribers only."""
    apps = [
        (kind, subscription)
        for kind in set(_every_kind_of(ConversationChanged))
        for subscription in subscriptions(kind)
        if subscription.announcement is kind
    ]
    for kind, subscription in apps:
        unsubscribe(kind, subscription.react)
    yield
    for kind, subscription in apps:
        subscribe(kind, subscription.react, runs=subscription.runs)


@pytest.fixture
def subscribed(only_the_tests_subscribers):
    """subscribe() for one test: whatever it subscribes is unsubscribed after."""
    made = []

    def add(announcement, react, **options):
        subscribe(announcement, react, **options)
        made.append((announcement, react))

    yield add
    for announcement, react in made:
        unsubscribe(announcement, react)


def hear(announcement) -> None:
    heard.append(announcement)


def fail(announcement) -> None:
    raise RuntimeError("the subscriber broke")


def tag_the_conversation(started: ConversationStarted) -> None:
    """A task subscriber with an effect in the database."""
    heard.append(started)
    conversations.create_tag(
        Workspace.objects.get(pk=started.workspace_id), f"reacted to {started.conversation_id}"
    )


def fail_in_the_worker(started: ConversationStarted) -> None:
    raise RuntimeError("the subscriber broke")


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_announcing_outside_the_changes_transaction_is_refused(workspace):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        announce(ConversationClosed(workspace.pk, 1, datetime.now(UTC), None, by="teammate"))


def test_a_task_subscriber_must_be_found_again_by_name():
    with pytest.raises(TypeError, match="module-level function"):
        subscribe(ConversationStarted, lambda started: None)


def test_an_announcement_travels_as_plain_values_and_comes_back_the_same():
    @dataclass(frozen=True)
    class Moved(Announcement):
        ids: list[int]
        at: datetime
        until: datetime | None
        note: str

    moved = Moved(3, [1, 2], datetime(2026, 3, 2, 9, 30, tzinfo=UTC), None, "ok")
    plain = to_plain(moved)
    assert json.loads(json.dumps(plain)) == plain
    assert from_plain(Moved, plain) == moved


def test_in_transaction_subscribers_run_inside_the_change_and_their_failure_undoes_it(
    workspace, contact, subscribed
):
    subscribed(ConversationStarted, hear, runs=IN_TRANSACTION)
    conversation = conversations.start_conversation(workspace, contact=contact, body="hello")
    (started,) = heard
    assert (started.conversation_id, started.contact_id, started.channel) == (
        conversation.pk,
        contact.pk,
        "messenger",
    )

    subscribed(ConversationStarted, fail, runs=IN_TRANSACTION)
    with pytest.raises(RuntimeError):
        conversations.start_conversation(workspace, contact=contact, body="this one is undone")
    assert Conversation.objects.filter(workspace=workspace).count() == 1
    assert events_of_workspace(workspace).filter(type="conversation.started").count() == 1


def test_after_commit_subscribers_run_once_the_change_is_committed_and_never_undo_it(
    workspace, contact, subscribed, django_capture_on_commit_callbacks
):
    subscribed(ConversationStarted, fail, runs=AFTER_COMMIT)
    subscribed(ConversationStarted, hear, runs=AFTER_COMMIT)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        conversation = conversations.start_conversation(workspace, contact=contact, body="hello")
        assert heard == []  # nothing before the commit
    for callback in waiting:
        callback()  # as the commit runs them: the failing one logs and the next one still runs
    assert [type(a) for a in heard] == [ConversationStarted]
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_a_subscriber_of_a_base_announcement_hears_every_kind_of_it(workspace, contact, agent, subscribed):
    subscribed(ConversationChanged, hear, runs=IN_TRANSACTION)
    conversation = conversations.start_conversation(workspace, contact=contact, body="hello")
    conversations.reply_as_teammate(conversation, agent, "on it")
    conversations.close_conversation(conversation, teammate=agent)
    assert [type(a) for a in heard] == [ConversationStarted, TeammateReplied, ConversationClosed]
    assert heard[1].teammate_id == agent.pk and heard[2].by == "teammate"
    assert [s.react for s in subscriptions(ConversationClosed)] == [hear]


def test_a_task_subscriber_is_enqueued_with_the_change_and_not_without_it(workspace, contact, subscribed):
    subscribed(ConversationStarted, tag_the_conversation)
    conversations.start_conversation(workspace, contact=contact, body="hello")
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        conversations.start_conversation(workspace, contact=contact, body="rolled back")
        raise RuntimeError("the change fails after announcing")
    assert DBTaskResult.objects.count() == 1
    assert heard == []  # tasks run in the worker, not in the request


@pytest.mark.django_db(transaction=True)
def test_a_task_subscriber_runs_in_the_worker_and_once_however_often_its_task_runs(
    workspace, contact, subscribed
):
    subscribed(ConversationStarted, tag_the_conversation)
    conversation = conversations.start_conversation(workspace, contact=contact, body="hello")

    call_command("worker", "--batch", "--no-recurring", verbosity=0)
    (task,) = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "done"
    assert [a.conversation_id for a in heard] == [conversation.pk]

    # The task runs again (a worker that died after the work committed, before marking it done).
    DBTaskResult.objects.update(status=TaskResultStatus.READY)
    call_command("worker", "--batch", "--no-recurring", verbosity=0)
    task.refresh_from_db()
    assert task.return_value == "already done"
    assert len(heard) == 1
    assert Tag.objects.filter(workspace=workspace, name__startswith="reacted").count() == 1
    assert ReactionRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_subscriber_does_not_undo_the_change_and_can_run_again(workspace, contact, subscribed):
    subscribed(ConversationStarted, fail_in_the_worker)
    conversation = conversations.start_conversation(workspace, contact=contact, body="hello")
    call_command("worker", "--batch", "--no-recurring", verbosity=0)
    (task,) = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.FAILED
    assert Conversation.objects.filter(pk=conversation.pk).exists()
    assert ReactionRun.objects.count() == 0  # not recorded as run: a retry runs it


def _child_database_url(tmp_path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'reactions.sqlite3'}"
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _child(mode: str, env: dict, **options) -> subprocess.CompletedProcess | subprocess.Popen:
    command = [sys.executable, "-m", "tests.core.reaction_worker", mode]
    if options.get("background"):
        return subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.django_db(transaction=True)
def test_a_task_subscriber_runs_once_when_its_worker_is_killed_mid_task_and_another_starts(tmp_path):
    log = tmp_path / "calls.log"
    env = {
        **os.environ,
        "DATABASE_URL": _child_database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "concierge.settings",
        "REACTION_PROBE_LOG": str(log),
    }
    _child("setup", env)

    worker = _child("work", {**env, "REACTION_PROBE_HANG": "1"}, background=True)
    deadline = time.monotonic() + 120
    while not (log.exists() and log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert log.read_text(), "the worker never ran the task"
    worker.send_signal(signal.SIGKILL)  # mid-task: its transaction never commits
    worker.wait()

    _child("work", env)  # a new worker puts the dead worker's task back and runs it
    report = json.loads(_child("report", env).stdout)
    assert (len(report["tags"]), report["tasks"], report["runs"]) == (1, ["SUCCESSFUL"], 1)
    assert len(log.read_text().splitlines()) == 2  # called twice, took effect once


def test_a_merged_leads_conversations_move_and_the_log_records_it_in_the_same_transaction(
    workspace, contact, subscribed
):
    lead = create_contact(workspace, visitor_id="v-1")
    conversation = conversations.start_conversation(workspace, contact=lead, body="anonymous question")
    merge_lead_into_user(lead, contact)
    assert Conversation.objects.get(pk=conversation.pk).contact_id == contact.pk
    (merged,) = events_of_workspace(workspace).filter(type="contact.merged")
    assert (merged.contact_id, merged.data) == (contact.pk, {"lead": lead.ref, "lead_id": lead.pk})

    other_lead = create_contact(workspace, visitor_id="v-2")
    kept = conversations.start_conversation(workspace, contact=other_lead, body="stays with the lead")
    from concierge.contacts.announcements import LeadMerged

    subscribed(LeadMerged, fail, runs=IN_TRANSACTION)
    with pytest.raises(RuntimeError):
        merge_lead_into_user(other_lead, contact)
    other_lead.refresh_from_db()
    assert other_lead.merged_into_id is None
    assert Conversation.objects.get(pk=kept.pk).contact_id == other_lead.pk
    assert events_of_workspace(workspace).filter(type="contact.merged").count() == 1
