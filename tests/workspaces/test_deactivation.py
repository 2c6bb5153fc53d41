"""A deactivated teammate: their open conversations go back to the unassigned queue (their team stays,
their history stays), they cannot sign in, their sessions end, their API keys stop; reactivated, they
sign in again."""

import pytest
from django.contrib.auth import get_user_model

from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import (
    assign_conversation,
    close_conversation,
    reply_as_teammate,
    start_conversation,
)
from concierge.events.models import Event
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor, add_teammate, create_api_key, create_team, update_teammate
from tests.api_client import ApiClient
from tests.conftest import PASSWORD


@pytest.fixture
def agents_work(workspace, owner, agent, contact):
    team = create_team(workspace, name="Billing", members=[agent])
    waiting = start_conversation(workspace, contact=contact, body="Refund please", subject="Refund")
    assign_conversation(waiting, teammate=owner, assignee=agent, team=team)
    reply_as_teammate(waiting, agent, "Looking into it")
    done = start_conversation(workspace, contact=contact, body="Thanks", subject="Done")
    assign_conversation(done, teammate=owner, assignee=agent)
    close_conversation(done, teammate=agent)
    return waiting, done, team


def test_their_open_conversations_go_back_to_the_queue_and_their_history_stays(
    workspace, owner, agent, agents_work
):
    waiting, done, team = agents_work
    update_teammate(agent, is_active=False, actor=Actor.for_teammate(owner))
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.assignee_id is None and waiting.team_id == team.pk  # the team still has it
    assert done.assignee_id == agent.pk  # a closed one keeps who handled it
    assert Part.objects.filter(conversation=waiting, author_teammate=agent, kind="comment").exists()
    unassigned = Part.objects.filter(conversation=waiting, kind="assignment").latest("created_at", "id")
    assert unassigned.data["assignee_id"] is None and unassigned.author_teammate is None
    assert Event.objects.filter(workspace=workspace, type="conversation.assigned").count() == 3
    assert AuditEntry.objects.filter(action="teammate.deactivated", target_id=agent.pk).count() == 1


def test_they_cannot_sign_in_and_their_session_ends_until_reactivated(client, workspace, owner, agent):
    client.force_login(agent.user)
    assert client.get("/w/acme/inbox/").status_code == 200
    update_teammate(agent, is_active=False, actor=Actor.for_teammate(owner))
    assert client.get("/w/acme/inbox/").status_code == 302  # the session no longer signs them in
    refused = client.post("/login/", {"username": "agent@acme.test", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    update_teammate(agent, is_active=True, actor=Actor.for_teammate(owner))
    signed_in = client.post("/login/", {"username": "agent@acme.test", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/w/acme/inbox/").status_code == 200


def test_someone_still_active_in_another_workspace_keeps_signing_in_there(
    client, workspace, other_workspace, owner
):
    both = add_teammate(workspace, email="both@acme.test", name="Bo", password=PASSWORD)
    add_teammate(other_workspace, email="both@acme.test", name="Bo")
    update_teammate(both, is_active=False, actor=Actor.for_teammate(owner))
    assert get_user_model().objects.get(username="both@acme.test").is_active
    client.post("/login/", {"username": "both@acme.test", "password": PASSWORD})
    assert client.get("/w/globex/inbox/").status_code == 200
    assert client.get("/w/acme/inbox/").status_code == 404


def test_their_api_keys_stop_and_start_again_with_them(workspace, owner, agent):
    _, raw = create_api_key(workspace, name="Agent's script", teammate=agent, actor=Actor.for_teammate(owner))
    api = ApiClient({"Authorization": f"Bearer {raw}"})
    assert api.get("/conversations").status_code == 200
    update_teammate(agent, is_active=False, actor=Actor.for_teammate(owner))
    assert api.get("/conversations").status_code == 401
    update_teammate(agent, is_active=True, actor=Actor.for_teammate(owner))
    assert api.get("/conversations").status_code == 200


def test_a_deactivation_refused_changes_nothing(workspace, owner, agent, agents_work):
    waiting, _, _ = agents_work
    with pytest.raises(Exception, match="only active owner"):
        update_teammate(owner, is_active=False, actor=Actor.for_teammate(owner))
    assert Conversation.objects.filter(assignee=agent).count() == 2
    owner.user.refresh_from_db()
    assert owner.user.is_active
