"""Idempotency-Key: a repeat returns the first answer and creates nothing twice."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from concierge.conversations.models import Conversation, Part
from concierge.core.models import IdempotencyKey
from concierge.core.services import (
    claim_idempotency_key,
    forget_expired_idempotency_keys,
    record_idempotent_answer,
)
from concierge.events.models import Event
from tests.api_client import api_client_for, messenger_for_visitor


def with_key(key: str) -> dict:
    return {"headers": {"Idempotency-Key": key}}


def test_a_repeat_returns_the_first_answer_and_creates_nothing(api, contact):
    payload = {"contact_id": contact.pk, "body": "Please call me"}
    first = api.post("/conversations", payload, **with_key("order-1"))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    events = Event.objects.count()
    # The same request, its JSON spaced and ordered differently.
    repeat = api.post(
        "/conversations",
        raw=f'{{ "body": "Please call me",  "contact_id": {contact.pk} }}',
        **with_key("order-1"),
    )
    assert repeat.status_code == 201
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert repeat.content == first.content
    assert Conversation.objects.count() == 1 and Event.objects.count() == events


def test_without_a_key_every_call_runs(api, contact):
    payload = {"contact_id": contact.pk, "body": "hello"}
    api.post("/conversations", payload)
    api.post("/conversations", payload)
    assert Conversation.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(api, contact):
    api.post("/conversations", {"contact_id": contact.pk, "body": "first"}, **with_key("k"))
    response = api.post("/conversations", {"contact_id": contact.pk, "body": "second"}, **with_key("k"))
    assert response.status_code == 422
    assert "already used for a different request body" in response.json()["detail"]
    assert Conversation.objects.count() == 1


def test_a_key_is_scoped_to_the_method_and_path(api, contact, agent):
    conversation_id = api.post(
        "/conversations", {"contact_id": contact.pk, "body": "hi"}, **with_key("k")
    ).json()["id"]
    note = api.post(
        f"/conversations/{conversation_id}/notes", {"teammate_id": agent.pk, "body": "n"}, **with_key("k")
    )
    assert note.status_code == 201 and "Idempotent-Replayed" not in note.headers
    again = api.post(
        f"/conversations/{conversation_id}/notes", {"teammate_id": agent.pk, "body": "n"}, **with_key("k")
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Part.objects.filter(kind="note").count() == 1


def test_a_key_is_scoped_to_the_workspace(api, contact, other_workspace, other_contact):
    other_api = api_client_for(other_workspace)
    assert (
        api.post("/conversations", {"contact_id": contact.pk, "body": "a"}, **with_key("k")).status_code
        == 201
    )
    theirs = other_api.post("/conversations", {"contact_id": other_contact.pk, "body": "b"}, **with_key("k"))
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert Conversation.objects.filter(workspace=other_workspace).count() == 1


def test_messenger_keys_are_per_contact(workspace):
    first_visitor = messenger_for_visitor(workspace, "v-1")
    second_visitor = messenger_for_visitor(workspace, "v-2")
    payload = {"body": "Hi there"}
    a = first_visitor.post("/messenger/conversations", payload, **with_key("same"))
    b = second_visitor.post("/messenger/conversations", payload, **with_key("same"))
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]
    again = first_visitor.post("/messenger/conversations", payload, **with_key("same"))
    assert again.json()["id"] == a.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert Conversation.objects.count() == 2


def test_a_failed_call_is_not_remembered(api, contact):
    failed = api.post("/conversations", {"contact_id": 999_999, "body": "hi"}, **with_key("retry-me"))
    assert failed.status_code == 404
    assert not IdempotencyKey.objects.exists()
    fixed = api.post("/conversations", {"contact_id": contact.pk, "body": "hi"}, **with_key("retry-me"))
    assert fixed.status_code == 201 and Conversation.objects.count() == 1


def test_an_action_repeated_with_its_key_is_not_a_conflict(api, contact):
    conversation_id = api.post("/conversations", {"contact_id": contact.pk, "body": "hi"}).json()["id"]
    first = api.post(f"/conversations/{conversation_id}/close", {}, **with_key("close-1"))
    second = api.post(f"/conversations/{conversation_id}/close", {}, **with_key("close-1"))
    assert first.status_code == second.status_code == 200
    assert Event.objects.filter(type="conversation.closed").count() == 1
    assert api.post(f"/conversations/{conversation_id}/close", {}).status_code == 409


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "with space", "naïve"])
def test_a_malformed_key_is_refused(api, contact, key):
    response = api.post("/conversations", {"contact_id": contact.pk, "body": "hi"}, **with_key(key))
    assert response.status_code == 422
    assert "Idempotency-Key must be 1 to 255 visible ASCII characters" in response.json()["detail"]
    assert not Conversation.objects.exists()


def test_an_expired_key_runs_again_and_old_keys_are_forgotten(api, workspace, contact):
    long_ago = timezone.now() - timedelta(hours=25)
    with transaction.atomic():
        record, claimed = claim_idempotency_key(
            workspace.pk,
            caller="api",
            method="POST",
            path="/api/v1/conversations",
            key="old",
            request_hash="h",
            at=long_ago,
        )
        record_idempotent_answer(record, status_code=201, body='{"id": 0}')
    assert claimed
    response = api.post("/conversations", {"contact_id": contact.pk, "body": "hi"}, **with_key("old"))
    assert response.status_code == 201 and response.json()["id"] != 0
    with transaction.atomic():
        claim_idempotency_key(
            workspace.pk,
            caller="api",
            method="POST",
            path="/elsewhere",
            key="old",
            request_hash="h",
            at=long_ago,
        )
    assert forget_expired_idempotency_keys() == 1
    assert IdempotencyKey.objects.count() == 1


def test_a_second_claim_finds_the_first(workspace):
    scope = {"caller": "api", "method": "POST", "path": "/p", "key": "k", "request_hash": "h"}
    with transaction.atomic():
        first, first_claimed = claim_idempotency_key(workspace.pk, **scope)
        record_idempotent_answer(first, status_code=201, body="{}")
    with transaction.atomic():
        second, second_claimed = claim_idempotency_key(workspace.pk, **scope)
    assert (first_claimed, second_claimed) == (True, False) and second.pk == first.pk


def test_the_database_refuses_a_second_row_for_one_key(workspace):
    scope = {"workspace": workspace, "caller": "api", "method": "POST", "path": "/p", "key": "k"}
    with transaction.atomic():
        claim_idempotency_key(
            workspace.pk, **{k: v for k, v in scope.items() if k != "workspace"}, request_hash="h"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(**scope, request_hash="h", created_at=timezone.now())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database is in memory with a shared cache, where a second writer fails at once "
    "instead of waiting; a SQLite file (production) queues writers with BEGIN IMMEDIATE",
)
def test_two_concurrent_identical_calls_create_one_conversation(workspace, contact):
    api = api_client_for(workspace)
    clients = [api, api_client_for(workspace)]
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def call(index):
        try:
            barrier.wait()
            answers[index] = clients[index].post(
                "/conversations", {"contact_id": contact.pk, "body": "at once"}, **with_key("race")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].content == answers[1].content
    assert Conversation.objects.filter(workspace=workspace).count() == 1
    assert Event.objects.filter(type="conversation.started").count() == 1
