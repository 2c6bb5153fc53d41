"""The settings pages do what they say: the workspace's settings saved (bad input refused with a
reason, nothing written), teams and tags made, renamed and deleted, a new API key shown once, the
identity secret shown with its snippets and rotated only when confirmed."""

import hashlib
import hmac

import pytest
from django.urls import reverse

from concierge.conversations.services import create_tag, start_conversation, tag_conversation
from concierge.workspaces.models import ApiKey, AuditEntry, Team, Workspace
from concierge.workspaces.services import Actor, add_teammate, create_team
from tests.api_client import ApiClient


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def url(name, *args):
    return reverse(f"web:{name}", args=["acme", *args])


def test_the_workspace_settings_are_saved_and_bad_input_is_refused(owner_client, workspace):
    saved = owner_client.post(
        url("settings_workspace"), {"name": "Acme Care", "timezone": "Europe/Paris", "locale": "de"}
    )
    assert saved.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.timezone, workspace.locale) == ("Acme Care", "Europe/Paris", "de")
    assert "saved" in owner_client.get(url("settings")).content.decode()

    before = AuditEntry.objects.count()
    for form in (
        {"name": "", "timezone": "Europe/Paris", "locale": "de"},
        {"name": "Acme", "timezone": "Mars/Olympus", "locale": "de"},
        {"name": "Acme", "timezone": "Europe/Paris", "locale": "klingon"},
    ):
        refused = owner_client.post(url("settings_workspace"), form)
        assert refused.status_code == 422
        assert 'role="alert"' in refused.content.decode()
    workspace.refresh_from_db()
    assert workspace.name == "Acme Care" and AuditEntry.objects.count() == before


def test_the_settings_home_leaves_a_place_for_office_hours(owner_client):
    page = owner_client.get(url("settings")).content.decode()
    assert "Office hours" in page and 'name="timezone"' in page


def test_teams_are_made_renamed_and_deleted_with_their_members(owner_client, workspace, owner, agent):
    assert owner_client.post(url("settings_team_create"), {"name": "Billing"}).status_code == 302
    team = Team.objects.get(workspace=workspace, name="Billing")
    assert (
        owner_client.post(url("settings_team_member_add", team.pk), {"teammate": agent.pk}).status_code == 302
    )
    assert list(team.members.all()) == [agent]
    duplicate = owner_client.post(url("settings_team_create"), {"name": "Billing"})
    assert duplicate.status_code == 409 and "already exists" in duplicate.content.decode()
    assert owner_client.post(url("settings_team_rename", team.pk), {"name": "Payments"}).status_code == 302
    assert owner_client.post(url("settings_team_rename", team.pk), {"name": ""}).status_code == 422
    team.refresh_from_db()
    assert team.name == "Payments"
    page = owner_client.get(url("settings_teams")).content.decode()
    assert "Payments" in page and "Avery Agent" in page
    assert owner_client.post(url("settings_team_delete", team.pk)).status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    assert AuditEntry.objects.filter(action="team.deleted", target_label="Payments").exists()


def test_tags_show_how_many_conversations_carry_them(owner_client, workspace, owner, contact):
    billing = create_tag(workspace, "billing", actor=Actor.for_teammate(owner))
    create_tag(workspace, "unused", actor=Actor.for_teammate(owner))
    for subject in ("One", "Two"):
        tag_conversation(start_conversation(workspace, contact=contact, body="Hi", subject=subject), billing)
    page = owner_client.get(url("settings_tags")).content.decode()
    assert "2 conversations" in page and "0 conversations" in page
    assert owner_client.post(url("settings_tag_rename", billing.pk), {"name": "payments"}).status_code == 302
    billing.refresh_from_db()
    assert billing.name == "payments" and billing.conversations.count() == 2
    assert owner_client.post(url("settings_tag_rename", billing.pk), {"name": "unused"}).status_code == 409
    assert owner_client.post(url("settings_tags"), {"name": " "}).status_code == 422
    assert owner_client.post(url("settings_tag_delete", billing.pk)).status_code == 302
    assert billing.conversations.count() == 0


def test_a_new_api_key_is_shown_once_and_works_until_revoked(owner_client, workspace, owner):
    made = owner_client.post(url("settings_api_keys"), {"name": "CRM sync", "teammate": owner.pk})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    page = made.content.decode()
    raw = page.split('id="new-api-key">')[1].split("<")[0]
    assert raw.startswith("ck_")
    key = ApiKey.objects.get(name="CRM sync")
    assert key.teammate == owner and key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in owner_client.get(url("settings_api_keys")).content.decode()

    api = ApiClient({"Authorization": f"Bearer {raw}"})
    assert api.get("/workspace").status_code == 200
    listed = owner_client.get(url("settings_api_keys")).content.decode()
    assert "CRM sync" in listed and "never" not in listed.split("CRM sync")[1].split("</tr>")[0]

    assert owner_client.post(url("settings_api_key_revoke", key.pk)).status_code == 302
    assert api.get("/workspace").status_code == 401
    assert owner_client.post(url("settings_api_keys"), {"name": "", "teammate": owner.pk}).status_code == 422


def test_an_admin_cannot_make_a_key_with_an_owners_rights(client, workspace, owner):
    admin = add_teammate(workspace, email="admin@acme.test", name="Ada Admin", role="admin")
    client.force_login(admin.user)
    refused = client.post(url("settings_api_keys"), {"name": "Sneaky", "teammate": owner.pk})
    assert refused.status_code == 422  # the owner is not among the choices
    assert not ApiKey.objects.filter(name="Sneaky").exists()


def test_the_identity_secret_is_shown_with_snippets_and_rotated_only_when_confirmed(owner_client, workspace):
    page = owner_client.get(url("settings_identity"))
    text = page.content.decode()
    assert workspace.identity_secret in text and page["Cache-Control"] == "no-store"
    for language in ("Python", "Node.js", "Ruby", "PHP"):
        assert f"<figcaption>{language} " in text
    assert "hmac.new(" in text and 'createHmac("sha256"' in text and "hash_hmac(" in text

    old = workspace.identity_secret
    unconfirmed = owner_client.post(url("settings_identity_rotate"), {})
    assert unconfirmed.status_code == 422
    assert Workspace.objects.get(pk=workspace.pk).identity_secret == old
    assert owner_client.post(url("settings_identity_rotate"), {"confirm": "on"}).status_code == 302
    new = Workspace.objects.get(pk=workspace.pk).identity_secret
    assert new != old and len(new) == 64
    entry = AuditEntry.objects.get(action="workspace.identity_secret_rotated")
    assert old not in str(entry.changes) and new not in str(entry.changes)

    # The messenger now accepts a hash made with the new secret only.
    def messenger(secret):
        user_hash = hmac.new(secret.encode(), b"cust-9", hashlib.sha256).hexdigest()
        return ApiClient({"X-Workspace": "acme", "X-User-Id": "cust-9", "X-User-Hash": user_hash})

    assert messenger(new).get("/messenger/me").status_code == 200
    assert messenger(old).get("/messenger/me").status_code in (401, 403)


def test_a_team_made_by_the_api_shows_on_the_page(owner_client, workspace, owner):
    create_team(workspace, name="Reliability", members=[owner])
    assert "Reliability" in owner_client.get(url("settings_teams")).content.decode()
