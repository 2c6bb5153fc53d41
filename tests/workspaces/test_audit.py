"""The audit trail of the workspace's own configuration: the workspace, teammates, teams and API keys.

Each change writes exactly one entry, in the change's transaction, naming who made it and each field's
old and new value; a change that changes nothing writes none, and one that fails leaves none."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from concierge.core.errors import Conflict, InvalidInput
from concierge.workspaces.models import ApiKey, AuditEntry, Workspace
from concierge.workspaces.services import (
    Actor,
    add_team_member,
    add_teammate,
    create_api_key,
    create_team,
    record_audit,
    remove_team_member,
    revoke_api_key,
    update_teammate,
    update_workspace,
)
from tests.audit_trail import entries_written, the_only_entry, whole_trail_text
from tests.conftest import PASSWORD


def test_a_new_workspace_records_itself_and_its_owner(db):
    out = io.StringIO()
    call_command(
        "createworkspace",
        *("--name", "Globex", "--slug", "globex", "--timezone", "Europe/Belgrade"),
        *("--owner-email", "boss@globex.test", "--owner-password", PASSWORD, "--owner-name", "Gina Boss"),
        stdout=out,
    )
    workspace = Workspace.objects.get(slug="globex")
    created, owner_added = AuditEntry.objects.filter(workspace=workspace).order_by("id")
    for entry in (created, owner_added):
        assert (entry.actor_kind, entry.actor_label) == ("command", "command createworkspace")
        assert entry.actor_teammate is None and entry.actor_api_key is None
    assert (created.action, created.target_type, created.target_id) == (
        "workspace.created",
        "workspace",
        workspace.pk,
    )
    assert created.changes == {
        "name": [None, "Globex"],
        "slug": [None, "globex"],
        "timezone": [None, "Europe/Belgrade"],
        "locale": [None, "en"],
    }
    assert (owner_added.action, owner_added.target_label) == ("teammate.added", "Gina Boss")
    assert owner_added.changes == {
        "email": [None, "boss@globex.test"],
        "name": [None, "Gina Boss"],
        "role": [None, "owner"],
        "timezone": [None, "Europe/Belgrade"],
        "locale": [None, "en"],
    }
    assert PASSWORD not in whole_trail_text() and "password" not in whole_trail_text()


def test_workspace_settings_record_only_what_changed(workspace, owner):
    with entries_written(workspace) as written:
        update_workspace(
            workspace, name="Acme Help", timezone_name="America/New_York", actor=Actor.for_teammate(owner)
        )
    entry = the_only_entry(written)
    assert (entry.action, entry.actor_kind, entry.actor_teammate, entry.actor_label) == (
        "workspace.updated",
        "teammate",
        owner,
        "Olivia Owner",
    )
    assert entry.changes == {"name": ["Acme Support", "Acme Help"]}
    assert entry.target_label == "Acme Help"


def test_a_change_that_changes_nothing_records_nothing(workspace, owner, agent):
    team = create_team(workspace, name="Billing", members=[agent])
    key, _ = create_api_key(workspace, name="ci")
    revoke_api_key(key)
    with entries_written(workspace) as written:
        update_workspace(workspace, name="Acme Support", locale="en")
        update_teammate(agent, name="Avery Agent", role="agent", timezone_name="Europe/Belgrade")
        assert add_team_member(team, agent) is False
        assert remove_team_member(team, owner) is False
        revoke_api_key(key)
    assert written == []


def test_a_refused_change_changes_nothing_and_records_nothing(workspace, owner, agent):
    create_team(workspace, name="Billing")
    with entries_written(workspace) as written:
        with pytest.raises(InvalidInput):
            update_workspace(workspace, name="Acme Help", timezone_name="Mars/Olympus")
        with pytest.raises(Conflict):
            create_team(workspace, name="Billing")
        with pytest.raises(Conflict):
            add_teammate(workspace, email="agent@acme.test", name="Twice")
        with pytest.raises(InvalidInput):
            update_teammate(agent, name="Avery", role="god")
    assert written == []
    workspace.refresh_from_db()
    agent.refresh_from_db()
    assert (workspace.name, agent.name) == ("Acme Support", "Avery Agent")


def test_a_change_rolled_back_after_its_entry_takes_the_entry_with_it(workspace, owner):
    with (
        entries_written(workspace) as written,
        pytest.raises(RuntimeError, match="later step failed"),
        transaction.atomic(),
    ):
        update_workspace(workspace, name="Acme Help", actor=Actor.for_teammate(owner))
        raise RuntimeError("a later step failed")
    assert written == []
    assert Workspace.objects.get(pk=workspace.pk).name == "Acme Support"


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_only_written_inside_the_transaction_of_its_change(workspace, owner):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_audit(workspace, "workspace.updated", actor=Actor.for_teammate(owner), target=workspace)


def test_an_entry_refuses_another_workspaces_actor_or_target_and_any_secret(
    workspace, owner, other_workspace
):
    stranger = other_workspace.teammates.get()
    with transaction.atomic():
        with pytest.raises(ValueError, match="actor belongs to another workspace"):
            record_audit(workspace, "workspace.updated", actor=Actor.for_teammate(stranger))
        with pytest.raises(ValueError, match="target belongs to another workspace"):
            record_audit(workspace, "workspace.updated", actor=Actor.system(), target=other_workspace)
        with pytest.raises(ValueError, match="never keeps secrets"):
            record_audit(
                workspace, "api_key.created", actor=Actor.system(), changes={"key_hash": [None, "x"]}
            )


def test_teammates_added_changed_and_deactivated(workspace, owner):
    actor = Actor.for_teammate(owner)
    with entries_written(workspace) as written:
        sam = add_teammate(
            workspace,
            email="Sam@Acme.test",
            name="Sam",
            timezone_name="Europe/Paris",
            password="a-secret-password-42",
            external_id="emp-7",
            actor=actor,
        )
        update_teammate(sam, name="Sam Smith", locale="fr", actor=actor)
        update_teammate(sam, role="admin", timezone_name="Europe/Berlin", actor=actor)
        update_teammate(sam, is_active=False, actor=actor)
        update_teammate(sam, is_active=True, actor=actor)
    assert [(e.action, e.target_id, e.actor_teammate) for e in written] == [
        ("teammate.added", sam.pk, owner),
        ("teammate.updated", sam.pk, owner),
        ("teammate.role_changed", sam.pk, owner),
        ("teammate.deactivated", sam.pk, owner),
        ("teammate.reactivated", sam.pk, owner),
    ]
    assert written[0].changes == {
        "email": [None, "sam@acme.test"],
        "name": [None, "Sam"],
        "role": [None, "agent"],
        "timezone": [None, "Europe/Paris"],
        "locale": [None, "en"],
        "external_id": [None, "emp-7"],
    }
    assert written[1].changes == {"name": ["Sam", "Sam Smith"], "locale": ["en", "fr"]}
    assert written[2].changes == {"role": ["agent", "admin"], "timezone": ["Europe/Paris", "Europe/Berlin"]}
    assert written[3].changes == {"is_active": [True, False]}
    assert "a-secret-password-42" not in whole_trail_text()


def test_the_only_active_owner_cannot_step_down_and_nothing_is_recorded(workspace, owner, agent):
    with entries_written(workspace) as written:
        for change in ({"role": "admin"}, {"is_active": False}):
            with pytest.raises(Conflict, match="only active owner"):
                update_teammate(owner, **change)
    assert written == []
    owner.refresh_from_db()
    assert (owner.role, owner.is_active) == ("owner", True)
    update_teammate(agent, role="owner")
    update_teammate(owner, is_active=False)
    owner.refresh_from_db()
    assert not owner.is_active


def test_teams_and_their_members(workspace, owner, agent):
    actor = Actor.for_teammate(owner)
    with entries_written(workspace) as written:
        team = create_team(workspace, name="Billing", members=[owner, agent], actor=actor)
        remove_team_member(team, agent, actor=actor)
        add_team_member(team, agent, actor=actor)
        empty = create_team(workspace, name="Night shift", actor=actor)
    assert [(e.action, e.target_type, e.target_id, e.target_label) for e in written] == [
        ("team.created", "team", team.pk, "Billing"),
        ("team.member_removed", "team", team.pk, "Billing"),
        ("team.member_added", "team", team.pk, "Billing"),
        ("team.created", "team", empty.pk, "Night shift"),
    ]
    assert written[0].changes == {
        "name": [None, "Billing"],
        "members": [None, ["Avery Agent", "Olivia Owner"]],
    }
    assert written[1].changes == {"member": ["Avery Agent", None]}
    assert written[2].changes == {"member": [None, "Avery Agent"]}
    assert written[3].changes == {"name": [None, "Night shift"]}


def test_api_keys_created_by_the_command_and_revoked_keep_no_secret(workspace, owner):
    out, err = io.StringIO(), io.StringIO()
    with entries_written(workspace) as written:
        call_command("createapikey", "--workspace", "acme", "--name", "ci", stdout=out, stderr=err)
        key = ApiKey.objects.get(name="ci")
        revoke_api_key(key, actor=Actor.for_teammate(owner))
    raw = out.getvalue().strip()
    created, revoked = written
    assert (created.action, created.actor_label, created.target_label) == (
        "api_key.created",
        "command createapikey",
        f"ci ({key.prefix}…)",
    )
    assert created.changes == {"name": [None, "ci"], "prefix": [None, key.prefix]}
    assert (revoked.action, revoked.actor_teammate, revoked.target_id) == ("api_key.revoked", owner, key.pk)
    assert revoked.changes == {"revoked_at": [None, key.revoked_at.isoformat()]}
    text = whole_trail_text()
    assert raw not in text and key.key_hash not in text and raw[10:20] not in text


def test_an_api_key_names_itself_as_the_actor_and_stays_named_when_gone(workspace):
    key, _ = create_api_key(workspace, name="CRM sync")
    with entries_written(workspace) as written:
        team = create_team(workspace, name="Billing", actor=Actor.for_api_key(key))
    entry = the_only_entry(written)
    assert (entry.actor_kind, entry.actor_api_key, entry.actor_label) == (
        "api_key",
        key,
        f"API key 'CRM sync' ({key.prefix}…)",
    )
    team_id = team.pk
    ApiKey.objects.filter(pk=key.pk).delete()
    team.delete()
    entry.refresh_from_db()
    assert entry.actor_api_key is None
    assert (entry.actor_label, entry.target_label, entry.target_id) == (
        f"API key 'CRM sync' ({key.prefix}…)",
        "Billing",
        team_id,
    )


def test_the_api_records_its_key_as_the_actor(api, workspace, owner, agent):
    key = ApiKey.objects.get(workspace=workspace, name="tests")
    with entries_written(workspace) as written:
        sam = api.post("/teammates", {"email": "sam@acme.test", "name": "Sam"}).json()
        api.patch(f"/teammates/{sam['id']}", {"role": "admin", "is_active": False})
        team = api.post("/teams", {"name": "Product", "member_ids": [agent.pk]}).json()
        api.post(f"/teams/{team['id']}/members", {"teammate_id": owner.pk})
        api.delete(f"/teams/{team['id']}/members/{agent.pk}")
    assert [e.action for e in written] == [
        "teammate.added",
        "teammate.deactivated",
        "team.created",
        "team.member_added",
        "team.member_removed",
    ]
    assert {(e.actor_kind, e.actor_api_key_id) for e in written} == {("api_key", key.pk)}
    assert written[1].changes == {"role": ["agent", "admin"], "is_active": [True, False]}


def test_the_api_cannot_remove_the_last_owner(api, owner):
    response = api.patch(f"/teammates/{owner.pk}", {"is_active": False})
    assert response.status_code == 409
    assert "only active owner" in response.json()["detail"]
