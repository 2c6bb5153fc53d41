"""What a teammate's reply costs the database, through the service and through the inbox page: the
reply, its event in the log and the funnel's rollups following it (the rollups' state read once,
with the workspace's zone, and held), the reply coach's review and the email channel's reaction
(mail.reactions, which sends the reply when the conversation is an email one) enqueued as tasks
with the reply, and the service-level clock stopped (one statement when none runs:
routing.services.service_levels), and the conversation's search document rewritten with the reply
(seven statements: the conversation and its text read, the old entry read and deleted, the new entry
and its full-text row written, the vocabulary's counts changed: conversations.services.search).
PostgreSQL takes one statement more, to lock the contact."""

import pytest
from django.db import connection
from django.urls import reverse

from concierge.conversations import services


@pytest.fixture
def conversation(workspace, contact, owner):
    conversation = services.start_conversation(workspace, contact=contact, body="My export fails")
    services.reply_as_teammate(conversation, owner, "Looking into it")  # the first response is known
    return conversation


def _on_postgresql(count: int) -> int:
    return count + 1 if connection.vendor == "postgresql" else count


def test_a_teammates_reply_takes_a_fixed_number_of_queries(
    conversation, agent, django_assert_max_num_queries
):
    with django_assert_max_num_queries(_on_postgresql(17)):
        services.reply_as_teammate(conversation, agent, "We are on it")


def test_the_inbox_pages_reply_takes_a_fixed_number_of_queries(
    client, workspace, owner, conversation, django_assert_max_num_queries
):
    client.force_login(owner.user)
    with django_assert_max_num_queries(_on_postgresql(29)):
        response = client.post(
            reverse("web:conversation-reply", args=[workspace.slug, conversation.pk]),
            {"body": "A fix is on its way"},
            headers={"HX-Request": "true", "HX-Target": "detail-pane"},
        )
    assert response.status_code == 200
    assert "A fix is on its way" in response.content.decode()
