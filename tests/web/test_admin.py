"""The Django admin: every registration opens, changes go through the services, the log stays read-only."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Tag
from concierge.conversations.services import add_note, start_conversation, tag_conversation, tag_for_name
from concierge.events.models import Event
from concierge.workspaces.models import ApiKey, AuditEntry, Team, Teammate, Workspace
from concierge.workspaces.services import create_api_key, create_team
from tests.audit_trail import entries_written
from tests.conftest import PASSWORD


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root@example.test", "root@example.test", PASSWORD)
    client.force_login(user)
    return client


@pytest.fixture
def data(workspace, owner, agent, contact):
    conversation = start_conversation(workspace, contact=contact, body="Where is my <b>invoice</b>?")
    add_note(conversation, agent, "check billing")
    tag_conversation(conversation, tag_for_name(workspace, "billing"))
    create_team(workspace, name="Revenue", members=[agent])
    create_api_key(workspace, name="Backend")
    return conversation


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize(
    "model", [Workspace, Teammate, Team, ApiKey, AuditEntry, Contact, Conversation, Tag, Event]
)
def test_every_registration_lists_and_opens_its_objects(admin_client, data, model):
    assert admin_client.get(admin_url(model)).status_code == 200
    assert admin_client.get(admin_url(model, "change", model.objects.first().pk)).status_code == 200


def test_a_conversation_shows_its_parts_inline(admin_client, data):
    page = admin_client.get(admin_url(Conversation, "change", data.pk)).content.decode()
    assert "check billing" in page and "Where is my &lt;b&gt;invoice&lt;/b&gt;?" in page


@pytest.mark.parametrize("model", [Event, Conversation, Tag, AuditEntry])
def test_the_log_and_conversations_cannot_be_changed_in_the_admin(admin_client, data, model):
    events_before = Event.objects.count()
    obj = model.objects.first()
    assert admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    assert Event.objects.count() == events_before


def test_editing_a_workspace_goes_through_its_checks(admin_client, workspace):
    path = admin_url(Workspace, "change", workspace.pk)
    bad = admin_client.post(
        path, {"name": "Acme", "timezone": "Mars/Olympus", "locale": "en", **EMPTY_INLINES}
    )
    assert bad.status_code == 200 and "not a known IANA time zone" in bad.content.decode()
    workspace.refresh_from_db()
    assert workspace.timezone == "America/New_York"

    good = admin_client.post(
        path, {"name": "Acme Help", "timezone": "Europe/Paris", "locale": "fr", **EMPTY_INLINES}
    )
    assert good.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.timezone, workspace.locale) == ("Acme Help", "Europe/Paris", "fr")


EMPTY_INLINES = {
    "teammates-TOTAL_FORMS": "0",
    "teammates-INITIAL_FORMS": "0",
    "teams-TOTAL_FORMS": "0",
    "teams-INITIAL_FORMS": "0",
}


def test_editing_a_contact_goes_through_its_checks(admin_client, contact):
    path = admin_url(Contact, "change", contact.pk)
    form = {"name": "Casey C.", "email": "casey@customer.test", "timezone": "Europe/Paris", "locale": "fr"}
    bad = admin_client.post(path, {**form, "timezone": "Nowhere/Town", "city": "", "attributes": "{}"})
    assert bad.status_code == 200 and "not a known IANA time zone" in bad.content.decode()
    not_object = admin_client.post(path, {**form, "city": "", "attributes": "[1, 2]"})
    assert not_object.status_code == 200 and "JSON object" in not_object.content.decode()
    contact.refresh_from_db()
    assert contact.name == "Casey Customer"

    good = admin_client.post(path, {**form, "city": "Lyon", "attributes": '{"plan": "pro"}'})
    assert good.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.timezone, contact.city, contact.attributes) == (
        "Casey C.",
        "Europe/Paris",
        "Lyon",
        {"plan": "pro"},
    )


def test_an_api_key_is_revoked_from_the_admin_and_its_hash_never_shown(admin_client, workspace):
    key, raw = create_api_key(workspace, name="Old backend")
    page = admin_client.get(admin_url(ApiKey, "change", key.pk)).content.decode()
    assert key.key_hash not in page and raw not in page
    response = admin_client.post(admin_url(ApiKey), {"action": "revoke", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_teammates_cannot_reach_the_admin(client, owner):
    client.force_login(owner.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_changes_in_the_admin_are_audited_as_the_admin_user_from_the_stored_values(
    admin_client, workspace, owner, agent
):
    key, _ = create_api_key(workspace, name="Old backend")
    teammate_form = {"name": "Avery Agent", "role": "admin", "timezone": "Europe/Belgrade", "locale": "en"}
    with entries_written(workspace) as written:
        admin_client.post(
            admin_url(Workspace, "change", workspace.pk),
            {"name": "Acme Help", "timezone": "America/New_York", "locale": "en", **EMPTY_INLINES},
        )
        admin_client.post(admin_url(Teammate, "change", agent.pk), teammate_form)  # is_active unticked
        admin_client.post(admin_url(ApiKey), {"action": "revoke", "_selected_action": [key.pk]})
    assert [(e.action, e.actor_kind, e.actor_label, e.changes) for e in written] == [
        (
            "workspace.updated",
            "admin",
            "Django admin (root@example.test)",
            {"name": ["Acme Support", "Acme Help"]},
        ),
        (
            "teammate.deactivated",
            "admin",
            "Django admin (root@example.test)",
            {"role": ["agent", "admin"], "is_active": [True, False]},
        ),
        (
            "api_key.revoked",
            "admin",
            "Django admin (root@example.test)",
            {"revoked_at": [None, written[2].changes["revoked_at"][1]]},
        ),
    ]


def test_the_admin_says_why_the_only_owner_cannot_step_down(admin_client, workspace, owner):
    form = {
        "name": "Olivia Owner",
        "role": "agent",
        "timezone": "America/New_York",
        "locale": "en",
        "is_active": "on",
    }
    with entries_written(workspace) as written:
        response = admin_client.post(admin_url(Teammate, "change", owner.pk), form)
    assert response.status_code == 200 and "only active owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == "owner" and written == []


NEW_TEAMMATE = {
    "workspace": "",
    "email": "Nina@Acme.test",
    "name": "Nina New",
    "role": "agent",
    "timezone": "Europe/Berlin",
    "locale": "de",
    "password": "nina-strong-password",
}


def test_a_superuser_adds_a_teammate_through_the_admins_add_form(admin_client, workspace, owner):
    page = admin_client.get(admin_url(Teammate, "add"))
    assert page.status_code == 200 and 'name="email"' in page.content.decode()
    with entries_written(workspace) as written:
        response = admin_client.post(admin_url(Teammate, "add"), {**NEW_TEAMMATE, "workspace": workspace.pk})
    assert response.status_code == 302, response.content.decode()
    added = Teammate.objects.get(workspace=workspace, user__username="nina@acme.test")
    assert response["Location"] == admin_url(Teammate)
    assert (added.name, added.role, added.timezone, added.locale) == (
        "Nina New",
        "agent",
        "Europe/Berlin",
        "de",
    )
    entry = written[0]
    assert (len(written), entry.action, entry.actor_kind, entry.actor_label) == (
        1,
        "teammate.added",
        "admin",
        "Django admin (root@example.test)",
    )
    assert "nina-strong-password" not in str(entry.changes)
    client = Client()
    assert client.post(
        reverse("web:login"), {"username": "nina@acme.test", "password": NEW_TEAMMATE["password"]}
    )["Location"] == reverse("web:home")


def test_an_existing_account_joins_another_workspace_from_the_admin_and_keeps_its_password(
    admin_client, workspace, owner, other_workspace
):
    form = {**NEW_TEAMMATE, "workspace": other_workspace.pk, "email": "owner@acme.test", "password": ""}
    assert admin_client.post(admin_url(Teammate, "add"), form).status_code == 302
    joined = Teammate.objects.get(workspace=other_workspace, user=owner.user)
    assert joined.name == "Nina New"
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "owner@acme.test", "owner@acme.test is already a teammate in Acme Support."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("timezone", "Mars/Olympus", "not a known IANA time zone"),
        ("locale", "xx_NOPE_NOPE", "not a known locale"),
        ("name", "", "This field is required."),
        ("password", "short", "too short"),
        ("role", "boss", "Select a valid choice."),
        ("workspace", "999999", "Select a valid choice."),
    ],
)
def test_a_bad_new_teammate_is_a_form_error_and_nothing_is_added(
    admin_client, workspace, owner, field, value, message
):
    teammates_before, users_before = Teammate.objects.count(), get_user_model().objects.count()
    form = {**NEW_TEAMMATE, "workspace": workspace.pk, field: value}
    with entries_written(workspace) as written:
        response = admin_client.post(admin_url(Teammate, "add"), form)
    assert response.status_code == 200 and message in response.content.decode()
    assert (Teammate.objects.count(), get_user_model().objects.count()) == (teammates_before, users_before)
    assert written == []


def test_the_admin_is_for_the_superuser_only(admin_client):
    assert admin_client.get(reverse("admin:index")).status_code == 200


def resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_an_owner_who_is_staff_is_sent_to_the_workspace_settings(client, owner):
    user = owner.user
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    # The settings pages' own root where it exists, else the workspace's home (which opens the inbox).
    settings_root = "/w/acme/settings/"
    expected = settings_root if resolves(settings_root) else "/w/acme/"
    assert expected in [location for location, _ in response.redirect_chain]
    assert "kept for whoever runs this Concierge server" in response.content.decode()
    assert client.get(admin_url(Teammate, "add")).status_code == 302
    assert (
        client.post(admin_url(Teammate, "add"), {**NEW_TEAMMATE, "workspace": owner.workspace_id}).status_code
        == 302
    )
    assert not Teammate.objects.filter(user__username="nina@acme.test").exists()


def test_a_staff_agent_is_sent_home_and_a_signed_in_teammate_never_sees_the_admin(client, agent):
    user = agent.user
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:inbox", args=["acme"])
    assert "Django administration" not in response.content.decode()
    assert "Open the back office" not in client.get(reverse("web:home") + "?pick=1").content.decode()
