"""Every settings action, tried by each role: owners and admins may (each change audited), an agent
is refused with a 403 page, another workspace's owner finds nothing (404), an id of another workspace
is a 404 — and a refused action writes nothing. The API's routes for the same actions refuse the
same roles: a key acting as an agent gets 403, another workspace's key 404 (docs/roles.md)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from concierge.conversations.services import create_tag
from concierge.core.errors import PermissionDenied
from concierge.workspaces.models import AuditEntry, Invite
from concierge.workspaces.services import (
    Actor,
    add_teammate,
    create_api_key,
    create_team,
    invite_teammate,
    update_teammate,
)
from tests.api_client import ApiClient
from tests.conftest import PASSWORD


def _objects_of(workspace, owner, agent, prefix: str):
    by_owner = Actor.for_teammate(owner)
    team = create_team(workspace, name="Billing", members=[agent], actor=by_owner)
    tag = create_tag(workspace, "refunds", actor=by_owner)
    invite, _ = invite_teammate(workspace, email=f"new@{prefix}.test", name="Nia New", actor=by_owner)
    key, _ = create_api_key(workspace, name="CRM", teammate=owner, actor=by_owner)
    sam = add_teammate(workspace, email=f"sam@{prefix}.test", name="Sam Second", password=PASSWORD)
    dee = add_teammate(workspace, email=f"dee@{prefix}.test", name="Dee Gone", password=PASSWORD)
    update_teammate(dee, is_active=False)
    return SimpleNamespace(
        owner=owner, agent=agent, team=team, tag=tag, invite=invite, key=key, sam=sam, dee=dee
    )


@pytest.fixture
def acme(workspace, owner, agent, mailbox):
    return _objects_of(workspace, owner, agent, "acme")


@pytest.fixture
def globex(other_workspace, mailbox):
    owner = other_workspace.teammates.get()
    agent = add_teammate(other_workspace, email="agent@globex.test", name="Gil Agent", password=PASSWORD)
    return _objects_of(other_workspace, owner, agent, "globex")


@pytest.fixture
def admin(workspace):
    return add_teammate(workspace, email="admin@acme.test", name="Ada Admin", role="admin", password=PASSWORD)


# (method, URL name, the URL's ids, the form) — the ids and the form are read from a workspace's objects.
ACTIONS = [
    ("GET", "settings", lambda o: [], None),
    (
        "POST",
        "settings_workspace",
        lambda o: [],
        lambda o: {"name": "Acme Care", "timezone": "Europe/Paris", "locale": "fr"},
    ),
    ("GET", "settings_teammates", lambda o: [], None),
    (
        "POST",
        "settings_invite",
        lambda o: [],
        lambda o: {"email": "zoe@elsewhere.test", "name": "Zoe", "role": "agent"},
    ),
    ("POST", "settings_teammate_role", lambda o: [o.sam.pk], lambda o: {"role": "admin"}),
    ("POST", "settings_teammate_deactivate", lambda o: [o.sam.pk], lambda o: {}),
    ("POST", "settings_teammate_reactivate", lambda o: [o.dee.pk], lambda o: {}),
    ("POST", "settings_invite_resend", lambda o: [o.invite.pk], lambda o: {}),
    ("POST", "settings_invite_cancel", lambda o: [o.invite.pk], lambda o: {}),
    ("GET", "settings_teams", lambda o: [], None),
    ("POST", "settings_team_create", lambda o: [], lambda o: {"name": "Growth"}),
    ("POST", "settings_team_rename", lambda o: [o.team.pk], lambda o: {"name": "Payments"}),
    ("POST", "settings_team_delete", lambda o: [o.team.pk], lambda o: {}),
    ("POST", "settings_team_member_add", lambda o: [o.team.pk], lambda o: {"teammate": o.sam.pk}),
    ("POST", "settings_team_member_remove", lambda o: [o.team.pk, o.agent.pk], lambda o: {}),
    ("GET", "settings_tags", lambda o: [], None),
    ("POST", "settings_tags", lambda o: [], lambda o: {"name": "vip"}),
    ("POST", "settings_tag_rename", lambda o: [o.tag.pk], lambda o: {"name": "refund"}),
    ("POST", "settings_tag_delete", lambda o: [o.tag.pk], lambda o: {}),
    ("GET", "settings_api_keys", lambda o: [], None),
    ("POST", "settings_api_keys", lambda o: [], lambda o: {"name": "Zapier", "teammate": o.agent.pk}),
    ("POST", "settings_api_key_revoke", lambda o: [o.key.pk], lambda o: {}),
    ("GET", "settings_identity", lambda o: [], None),
    ("POST", "settings_identity_rotate", lambda o: [], lambda o: {"confirm": "on"}),
    ("GET", "settings_messenger", lambda o: [], None),
    (
        "POST",
        "settings_messenger_save",
        lambda o: [],
        lambda o: {"allowed_origins": "https://app.acme.com", "greeting": "Hello", "color": "#112233"},
    ),
    ("GET", "audit_trail", lambda o: [], None),
]
# Stands for any workspace's objects, to tell the actions that name one.
ANY = SimpleNamespace(
    **dict.fromkeys(["sam", "dee", "invite", "team", "agent", "tag", "key"], SimpleNamespace(pk=0))
)
WITH_IDS = [action for action in ACTIONS if action[2](ANY)]
ACTION_IDS = [f"{method} {name}" for method, name, _, _ in ACTIONS]


def _send(client, method, name, ids, form, slug="acme"):
    url = reverse(f"web:{name}", args=[slug, *ids])
    return client.get(url) if method == "GET" else client.post(url, form or {})


def _trail_length(workspace_id) -> int:
    return AuditEntry.objects.filter(workspace_id=workspace_id).count()


@pytest.mark.parametrize(("method", "name", "ids", "form"), ACTIONS, ids=ACTION_IDS)
@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_may_and_each_change_is_audited(client, acme, admin, role, method, name, ids, form):
    client.force_login((acme.owner if role == "owner" else admin).user)
    workspace_id = acme.owner.workspace_id
    before = _trail_length(workspace_id)
    response = _send(client, method, name, ids(acme), form and form(acme))
    if method == "GET":
        assert response.status_code == 200
        assert _trail_length(workspace_id) == before
    else:
        assert response.status_code in (200, 302), response.content.decode()[:2000]
        assert _trail_length(workspace_id) == before + 1
        entry = AuditEntry.objects.filter(workspace_id=workspace_id).latest("at", "id")
        assert entry.actor_teammate_id == (acme.owner.pk if role == "owner" else admin.pk)


@pytest.mark.parametrize(("method", "name", "ids", "form"), ACTIONS, ids=ACTION_IDS)
def test_an_agent_is_refused_every_settings_action_and_nothing_is_written(
    client, acme, method, name, ids, form
):
    client.force_login(acme.agent.user)
    before = _trail_length(acme.owner.workspace_id)
    response = _send(client, method, name, ids(acme), form and form(acme))
    assert response.status_code == 403
    assert "Only owners and admins" in response.content.decode()
    assert _trail_length(acme.owner.workspace_id) == before


@pytest.mark.parametrize(("method", "name", "ids", "form"), ACTIONS, ids=ACTION_IDS)
def test_another_workspaces_owner_finds_nothing(client, acme, globex, method, name, ids, form):
    client.force_login(globex.owner.user)
    before = _trail_length(acme.owner.workspace_id), _trail_length(globex.owner.workspace_id)
    response = _send(client, method, name, ids(acme), form and form(acme))
    assert response.status_code == 404
    assert (_trail_length(acme.owner.workspace_id), _trail_length(globex.owner.workspace_id)) == before


@pytest.mark.parametrize(
    ("method", "name", "ids", "form"), WITH_IDS, ids=[f"{method} {name}" for method, name, _, _ in WITH_IDS]
)
def test_an_id_of_another_workspace_is_a_404_to_an_owner(client, acme, globex, method, name, ids, form):
    client.force_login(acme.owner.user)
    before = _trail_length(acme.owner.workspace_id), _trail_length(globex.owner.workspace_id)
    response = _send(client, method, name, ids(globex), form and form(globex))
    assert response.status_code == 404
    assert (_trail_length(acme.owner.workspace_id), _trail_length(globex.owner.workspace_id)) == before


def test_an_admin_cannot_make_an_owner_nor_touch_one(client, acme, admin):
    client.force_login(admin.user)
    for name, ids, form in (
        ("settings_teammate_role", [acme.sam.pk], {"role": "owner"}),
        ("settings_teammate_role", [acme.owner.pk], {"role": "agent"}),
        ("settings_teammate_deactivate", [acme.owner.pk], {}),
        ("settings_invite", [], {"email": "boss@acme.test", "role": "owner"}),
    ):
        before = _trail_length(acme.owner.workspace_id)
        response = client.post(reverse(f"web:{name}", args=["acme", *ids]), form)
        assert response.status_code == 403
        assert "Only an owner can make someone an owner" in response.content.decode()
        assert _trail_length(acme.owner.workspace_id) == before
    acme.owner.refresh_from_db()
    assert acme.owner.role == "owner" and acme.owner.is_active
    assert not Invite.objects.filter(email="boss@acme.test").exists()


def test_an_owners_name_zone_and_language_are_changed_by_an_owner_or_themself_only(acme, admin):
    for field, value in (("name", "Olivia B."), ("timezone_name", "Europe/Lisbon"), ("locale", "de")):
        with pytest.raises(PermissionDenied):
            update_teammate(acme.owner, **{field: value}, actor=Actor.for_teammate(admin))
    acme.owner.refresh_from_db()
    assert acme.owner.name != "Olivia B." and acme.owner.timezone != "Europe/Lisbon"
    update_teammate(acme.owner, name="Olivia B.", actor=Actor.for_teammate(acme.owner))
    update_teammate(admin, name="Ada A.", actor=Actor.for_teammate(admin))  # anyone's own profile
    update_teammate(admin, name="Ada Admin", actor=Actor.for_teammate(acme.owner))


def test_the_last_owner_can_neither_be_demoted_nor_deactivated(client, workspace, acme):
    client.force_login(acme.owner.user)
    demoted = client.post(
        reverse("web:settings_teammate_role", args=["acme", acme.owner.pk]), {"role": "admin"}
    )
    assert demoted.status_code == 409 and "only active owner" in demoted.content.decode()
    itself = client.post(reverse("web:settings_teammate_deactivate", args=["acme", acme.owner.pk]))
    assert itself.status_code == 409 and "cannot deactivate yourself" in itself.content.decode()
    operator = ApiClient({"Authorization": f"Bearer {create_api_key(workspace, name='server')[1]}"})
    for change in ({"is_active": False}, {"role": "agent"}):
        refused = operator.patch(f"/teammates/{acme.owner.pk}", change)
        assert refused.status_code == 409 and "only active owner" in refused.json()["detail"]
    acme.owner.refresh_from_db()
    assert acme.owner.role == "owner" and acme.owner.is_active


# ---------- The API: the same actions, the same refusals ----------

API_ACTIONS = [
    ("PATCH", lambda o: "/workspace", lambda o: {"name": "Acme Care"}),
    ("POST", lambda o: "/workspace/identity-secret/rotate", lambda o: None),
    ("POST", lambda o: "/teammates", lambda o: {"email": "zoe@elsewhere.test", "name": "Zoe"}),
    ("PATCH", lambda o: f"/teammates/{o.sam.pk}", lambda o: {"role": "admin"}),
    ("PATCH", lambda o: f"/teammates/{o.sam.pk}", lambda o: {"is_active": False}),
    ("GET", lambda o: "/invites", lambda o: None),
    ("POST", lambda o: "/invites", lambda o: {"email": "zoe@elsewhere.test"}),
    ("POST", lambda o: f"/invites/{o.invite.pk}/resend", lambda o: None),
    ("DELETE", lambda o: f"/invites/{o.invite.pk}", lambda o: None),
    ("POST", lambda o: "/teams", lambda o: {"name": "Growth"}),
    ("PATCH", lambda o: f"/teams/{o.team.pk}", lambda o: {"name": "Payments"}),
    ("DELETE", lambda o: f"/teams/{o.team.pk}", lambda o: None),
    ("POST", lambda o: f"/teams/{o.team.pk}/members", lambda o: {"teammate_id": o.sam.pk}),
    ("DELETE", lambda o: f"/teams/{o.team.pk}/members/{o.agent.pk}", lambda o: None),
    ("POST", lambda o: "/tags", lambda o: {"name": "vip"}),
    ("PATCH", lambda o: f"/tags/{o.tag.pk}", lambda o: {"name": "refund"}),
    ("DELETE", lambda o: f"/tags/{o.tag.pk}", lambda o: None),
    ("GET", lambda o: "/api-keys", lambda o: None),
    ("POST", lambda o: "/api-keys", lambda o: {"name": "Zapier"}),
    ("DELETE", lambda o: f"/api-keys/{o.key.pk}", lambda o: None),
    ("GET", lambda o: "/audit-entries", lambda o: None),
]
API_IDS = [f"{method} {path(ANY)} {sorted(body(ANY) or {})}" for method, path, body in API_ACTIONS]
API_WITH_IDS = [action for action in API_ACTIONS if "/0" in action[1](ANY)]


def _key_client(workspace, teammate) -> ApiClient:
    _, raw = create_api_key(workspace, name=f"as {teammate.name}", teammate=teammate)
    return ApiClient({"Authorization": f"Bearer {raw}"})


def _call(client, method, path, body):
    if method == "GET":
        return client.get(path)
    return client.request(method, path, body)


@pytest.mark.parametrize(("method", "path", "body"), API_ACTIONS, ids=API_IDS)
def test_a_key_acting_as_an_agent_is_refused_with_403(workspace, acme, method, path, body):
    api = _key_client(workspace, acme.agent)
    before = _trail_length(workspace.pk)
    response = _call(api, method, path(acme), body(acme))
    assert response.status_code == 403, response.content
    assert "acts as an agent" in response.json()["detail"]
    assert _trail_length(workspace.pk) == before


@pytest.mark.parametrize(("method", "path", "body"), API_ACTIONS, ids=API_IDS)
def test_a_key_acting_as_an_admin_may(workspace, acme, admin, method, path, body):
    api = _key_client(workspace, admin)
    before = _trail_length(workspace.pk)
    response = _call(api, method, path(acme), body(acme))
    assert response.status_code in (200, 201, 204), response.content
    if method != "GET":
        assert _trail_length(workspace.pk) == before + 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    API_WITH_IDS,
    ids=[f"{method} {path(ANY)} {sorted(body(ANY) or {})}" for method, path, body in API_WITH_IDS],
)
def test_another_workspaces_owner_key_gets_404_for_our_ids(workspace, acme, globex, method, path, body):
    api = _key_client(globex.owner.workspace, globex.owner)
    before = _trail_length(workspace.pk)
    response = _call(api, method, path(acme), body(acme))
    assert response.status_code == 404, response.content
    assert _trail_length(workspace.pk) == before
