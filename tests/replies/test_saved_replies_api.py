"""/api/v1/saved-replies: CRUD scoped to the workspace and to what the key's teammate may see; bad
input is a 4xx that says what is wrong, and nothing is half-written."""

import pytest

from concierge.conversations.services import tag_for_name
from concierge.replies.models import SavedReply
from concierge.replies.services.saved_replies import SavedReplyInput, create_saved_reply
from concierge.workspaces.services import create_api_key, create_team
from tests.api_client import ApiClient, api_client_for


def key_of(teammate) -> ApiClient:
    _, raw = create_api_key(teammate.workspace, name=f"key of {teammate.name}", teammate=teammate)
    return ApiClient({"Authorization": f"Bearer {raw}"})


@pytest.mark.django_db
def test_create_read_change_and_delete(workspace, owner):
    api = key_of(owner)
    tag = tag_for_name(workspace, "refund")
    created = api.post(
        "/saved-replies",
        {
            "title": "Refund",
            "versions": {"en": "Hi {{contact.first_name|there}}", "es": "Hola {{contact.first_name|}}"},
            "actions": [{"type": "tag", "tag_id": tag.pk}, {"type": "assign_me"}, {"type": "close"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["versions"] == {"en": "Hi {{contact.first_name|there}}", "es": "Hola {{contact.first_name|}}"}
    assert [a["type"] for a in body["actions"]] == ["tag", "assign_me", "close"]
    assert body["owner_id"] == owner.pk and body["usage_count"] == 0

    changed = api.patch(f"/saved-replies/{body['id']}", {"title": "Refunds", "visibility": "personal"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Refunds" and changed.json()["versions"]["es"].startswith("Hola")
    assert [r["title"] for r in api.all_pages("/saved-replies")] == ["Refunds"]
    assert api.delete(f"/saved-replies/{body['id']}").status_code == 204
    assert api.get(f"/saved-replies/{body['id']}").status_code == 404


@pytest.mark.django_db
def test_another_teams_and_anothers_personal_reply_are_404_to_a_teammates_key(workspace, owner, agent):
    team = create_team(workspace, name="Billing", members=[owner])
    teams = create_saved_reply(
        workspace, SavedReplyInput("Billing", {"en": "x"}, visibility="team", team=team), owner=owner
    )
    private = create_saved_reply(
        workspace, SavedReplyInput("Mine", {"en": "x"}, visibility="personal"), owner=owner
    )
    shared = create_saved_reply(workspace, SavedReplyInput("Shared", {"en": "x"}), owner=owner)
    agents = key_of(agent)
    assert [r["title"] for r in agents.all_pages("/saved-replies")] == ["Shared"]
    for reply in (teams, private):
        assert agents.get(f"/saved-replies/{reply.pk}").status_code == 404
        assert agents.patch(f"/saved-replies/{reply.pk}", {"title": "Taken"}).status_code == 404
        assert agents.delete(f"/saved-replies/{reply.pk}").status_code == 404
    assert agents.get(f"/saved-replies/{shared.pk}").status_code == 200
    server_key = api_client_for(workspace)  # made on the server: acts for the workspace
    assert len(server_key.all_pages("/saved-replies")) == 3


@pytest.mark.django_db
def test_another_workspaces_reply_is_404(workspace, owner, other_workspace):
    theirs = create_saved_reply(other_workspace, SavedReplyInput("Theirs", {"en": "x"}))
    assert key_of(owner).get(f"/saved-replies/{theirs.pk}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"title": "x", "versions": {"en": "Hi {{contact.nope.x}}"}}, 422, "Unknown variable"),
        ({"title": "x", "versions": {}}, 422, "at least one language"),
        ({"title": "", "versions": {"en": "x"}}, 422, "title"),
        ({"title": "x", "versions": {"en": "x"}, "visibility": "galaxy"}, 422, "visibility"),
        ({"title": "x", "versions": {"en": "x"}, "visibility": "team"}, 422, "team"),
        (
            {"title": "x", "versions": {"en": "x"}, "team_id": 999999, "visibility": "team"},
            404,
            "No such team",
        ),
        ({"title": "x", "versions": {"en": "x"}, "folder_id": 999999}, 404, "No such folder"),
        (
            {"title": "x", "versions": {"en": "x"}, "actions": [{"type": "tag", "tag_id": 99}]},
            422,
            "no such tag",
        ),
        ({"title": "x", "versions": {"en": "x\x00"}}, 422, "NUL"),
        (
            {"title": "x", "versions": {"en": "x"}, "actions": [{"type": "snooze", "minutes": "²"}]},
            422,
            "whole number",
        ),
    ],
)
def test_bad_input_is_a_clear_4xx_and_writes_nothing(workspace, owner, payload, status, words):
    response = key_of(owner).post("/saved-replies", payload)
    assert response.status_code == status, response.content
    assert words.lower() in response.json()["detail"].lower()
    assert not SavedReply.objects.exists()


@pytest.mark.django_db
def test_a_personal_reply_needs_a_teammate(workspace):
    response = api_client_for(workspace).post(
        "/saved-replies", {"title": "x", "versions": {"en": "x"}, "visibility": "personal"}
    )
    assert response.status_code == 422 and "belongs to a teammate" in response.json()["detail"]
