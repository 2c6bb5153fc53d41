"""The workspace, teammates and teams API (API keys), and API-key authentication itself."""

import pytest

from concierge.workspaces.models import Team, Teammate
from concierge.workspaces.services import add_teammate, create_api_key, create_team, revoke_api_key
from tests.api_client import ApiClient


def test_the_key_knows_its_workspace(api, workspace):
    assert api.get("/workspace").json() == {
        "id": workspace.pk,
        "name": "Acme Support",
        "slug": "acme",
        "timezone": "America/New_York",
        "locale": "en",
    }


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer ck_not-a-real-key"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ({"Authorization": "Bearer " + "x" * 500}, 401),
    ],
)
def test_a_missing_or_wrong_key_is_refused_with_a_reason(workspace, headers, status):
    for response in (
        ApiClient(headers).get("/teammates"),
        ApiClient(headers).post("/teammates", {"email": "new@acme.test", "name": "New"}),
    ):
        assert response.status_code == status
        assert "API key" in response.json()["detail"]
    assert not Teammate.objects.filter(user__email="new@acme.test").exists()


def test_a_revoked_key_is_refused(workspace):
    key, raw = create_api_key(workspace, name="old integration")
    client = ApiClient({"Authorization": f"Bearer {raw}"})
    assert client.get("/workspace").status_code == 200
    revoke_api_key(key)
    response = client.get("/workspace")
    assert response.status_code == 401 and "API key" in response.json()["detail"]


def test_teammates_are_added_listed_read_and_updated(api, workspace, owner):
    created = api.post(
        "/teammates",
        {"email": "Sam@Acme.test", "name": "Sam", "role": "admin", "timezone": "America/Los_Angeles"},
    )
    assert created.status_code == 201, created.content
    sam = created.json()
    assert (sam["email"], sam["role"], sam["timezone"]) == ("sam@acme.test", "admin", "America/Los_Angeles")
    assert api.get(f"/teammates/{sam['id']}").json() == sam
    updated = api.patch(f"/teammates/{sam['id']}", {"role": "agent", "locale": "de"}).json()
    assert (updated["role"], updated["locale"], updated["name"]) == ("agent", "de", "Sam")
    assert [t["name"] for t in api.all_pages("/teammates", limit=1)] == ["Olivia Owner", "Sam"]
    assert not Teammate.objects.get(pk=sam["id"]).user.has_usable_password()


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"email": "x@acme.test"}, 422, "name"),
        ({"email": "nope", "name": "N"}, 422, "not a valid email"),
        ({"email": "x@acme.test", "name": "N", "role": "god"}, 422, "role"),
        ({"email": "x@acme.test", "name": "N", "timezone": "Europe/Atlantis"}, 422, "IANA"),
        ({"email": "x@acme.test", "name": "N" * 121}, 422, "name"),
        ({"email": "owner@acme.test", "name": "Again"}, 409, "already a teammate"),
    ],
)
def test_bad_teammates_are_refused_and_nothing_is_added(api, owner, payload, status, message):
    before = Teammate.objects.count()
    response = api.post("/teammates", payload)
    assert response.status_code == status, response.content
    assert message in response.json()["detail"]
    assert Teammate.objects.count() == before


def test_teams_are_created_with_members_and_members_come_and_go(api, workspace, owner, agent):
    created = api.post("/teams", {"name": "Product", "member_ids": [agent.pk]})
    assert created.status_code == 201
    team = created.json()
    assert team["members"] == [{"id": agent.pk, "name": agent.name}]
    with_owner = api.post(f"/teams/{team['id']}/members", {"teammate_id": owner.pk}).json()
    assert [m["name"] for m in with_owner["members"]] == ["Avery Agent", "Olivia Owner"]
    without_agent = api.delete(f"/teams/{team['id']}/members/{agent.pk}").json()
    assert [m["id"] for m in without_agent["members"]] == [owner.pk]
    assert api.get(f"/teams/{team['id']}").json() == without_agent
    assert api.post("/teams", {"name": "Product"}).status_code == 409
    api.post("/teams", {"name": "Billing"})
    assert [t["name"] for t in api.all_pages("/teams", limit=1)] == ["Billing", "Product"]


def test_a_team_with_an_unknown_member_is_not_created(api, agent):
    response = api.post("/teams", {"name": "Ghosts", "member_ids": [agent.pk, 999_999]})
    assert response.status_code == 404 and "999999" in response.json()["detail"]
    assert not Team.objects.exists()


class TestTenancy:
    """An API key of one workspace can neither read nor change another's teammates and teams."""

    @pytest.fixture
    def foreign(self, other_workspace):
        teammate = add_teammate(other_workspace, email="spy@globex.test", name="Globex Agent")
        return teammate, create_team(other_workspace, name="Globex Team", members=[teammate])

    def test_reads_are_404_and_lists_leave_them_out(self, api, foreign, owner):
        teammate, team = foreign
        assert api.get(f"/teammates/{teammate.pk}").status_code == 404
        assert api.get(f"/teams/{team.pk}").status_code == 404
        assert [t["id"] for t in api.all_pages("/teammates")] == [owner.pk]
        assert api.all_pages("/teams") == []

    def test_changes_are_404_and_change_nothing(self, api, foreign, workspace, owner):
        teammate, team = foreign
        assert api.patch(f"/teammates/{teammate.pk}", {"role": "owner"}).status_code == 404
        assert api.post(f"/teams/{team.pk}/members", {"teammate_id": owner.pk}).status_code == 404
        assert api.delete(f"/teams/{team.pk}/members/{teammate.pk}").status_code == 404
        ours = create_team(workspace, name="Ours")
        assert api.post(f"/teams/{ours.pk}/members", {"teammate_id": teammate.pk}).status_code == 404
        assert api.post("/teams", {"name": "Mixed", "member_ids": [teammate.pk]}).status_code == 404
        teammate.refresh_from_db()
        assert teammate.role == "agent"
        assert list(team.members.all()) == [teammate] and not ours.members.exists()

    def test_one_person_in_two_workspaces_is_two_teammates(self, api, other_workspace):
        other_owner = other_workspace.teammates.get()
        response = api.post("/teammates", {"email": other_owner.email, "name": "Also here"})
        assert response.status_code == 201
        assert response.json()["id"] != other_owner.pk
        other_owner.refresh_from_db()
        assert other_owner.name != "Also here"
