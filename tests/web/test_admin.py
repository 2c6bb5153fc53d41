"""The Django admin: every registration opens, changes go through the services, the log stays read-only."""

import pytest
from django.contrib.auth import get_user_model
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
