"""GET /api/v1/audit-entries: the workspace's own trail, newest first, in pages, with filters; another
workspace's entries never show; a bad filter is a 422 (or 404 for an unknown teammate) that says why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import (
    Actor,
    add_team_member,
    add_teammate,
    create_team,
    update_teammate,
    update_workspace,
)


@pytest.fixture
def trail(workspace, owner, agent, other_workspace):
    """Acme's changes by the owner and the agent, and one change in Globex."""
    by_owner, by_agent = Actor.for_teammate(owner), Actor.for_teammate(agent)
    team = create_team(workspace, name="Billing", actor=by_owner)
    add_team_member(team, agent, actor=by_owner)
    update_teammate(agent, locale="de", actor=by_agent)
    update_workspace(workspace, name="Acme Help", actor=by_owner)
    update_workspace(other_workspace, name="Globex secret rename")
    return team


def test_the_trail_is_the_workspaces_own_newest_first_in_pages(api, workspace, trail, owner):
    entries = api.all_pages("/audit-entries", limit=2)
    expected = AuditEntry.objects.filter(workspace=workspace).order_by("-at", "-id")
    assert [e["id"] for e in entries] == [e.pk for e in expected]
    assert "Globex secret rename" not in str(entries)
    newest = entries[0]
    assert newest == {
        "id": newest["id"],
        "at": newest["at"],
        "action": "workspace.updated",
        "actor": {"kind": "teammate", "label": "Olivia Owner", "teammate_id": owner.pk, "api_key_id": None},
        "target": {"type": "workspace", "id": workspace.pk, "label": "Acme Help"},
        "changes": {"name": ["Acme Support", "Acme Help"]},
    }
    # The API key the client uses was created too, by the system (tests set it up without an actor).
    assert any(e["action"] == "api_key.created" and e["actor"]["kind"] == "system" for e in entries)


def test_filters_by_action_actor_and_time(api, workspace, trail, agent):
    def actions(**params):
        return [e["action"] for e in api.all_pages("/audit-entries", **params)]

    assert actions(action="team") == ["team.member_added", "team.created"]  # not teammate.*
    assert actions(action="team.member") == ["team.member_added"]
    assert actions(action="team.created") == ["team.created"]
    assert actions(action="teammate.") == ["teammate.updated", "teammate.added", "teammate.added"]
    assert actions(actor_teammate_id=agent.pk) == ["teammate.updated"]
    newest = AuditEntry.objects.filter(workspace=workspace).order_by("-at", "-id").first()
    assert actions(since=newest.at.isoformat()) == ["workspace.updated"]
    assert "workspace.updated" not in actions(until=newest.at.isoformat())
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert actions(since=later) == []


def test_another_workspaces_trail_and_teammates_stay_out_of_reach(api, other_api, trail, other_workspace):
    stranger = add_teammate(other_workspace, email="spy@globex.test", name="Globex Agent")
    response = api.get("/audit-entries", actor_teammate_id=stranger.pk)
    assert response.status_code == 404 and f"No teammate with id {stranger.pk}" in response.json()["detail"]
    theirs = other_api.all_pages("/audit-entries")
    assert {e["action"] for e in theirs} == {
        "workspace.created",
        "teammate.added",
        "workspace.updated",
        "api_key.created",
    }
    assert "Billing" not in str(theirs)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"action": "Team!"}, "must be an action like 'team.created'"),
        ({"action": "team.created.twice"}, "must be an action like"),
        ({"action": "t" * 61}, "action"),
        ({"since": "2026-03-01T10:00:00"}, "since"),
        ({"until": "not a time"}, "until"),
        ({"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}, "since must be before until"),
        ({"since": "0001-01-01T00:00:00+14:00"}, "out of range"),
        ({"actor_teammate_id": "abc"}, "actor_teammate_id"),
        ({"cursor": "garbage"}, "cursor is not valid"),
        ({"limit": 0}, "limit"),
    ],
)
def test_a_bad_filter_is_a_422_that_says_why(api, trail, params, message):
    response = api.get("/audit-entries", **params)
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
