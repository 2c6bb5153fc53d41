"""The contacts API (API keys): list with search and filters, create, get, update, merge a lead."""

import pytest

from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact
from concierge.conversations import services as conversation_services
from concierge.events.selectors import events_of_workspace


def test_contacts_are_created_read_and_updated(api, workspace):
    created = api.post(
        "/contacts",
        {
            "external_id": "u-1",
            "email": "Ana@Example.TEST",
            "name": "Ana",
            "timezone": "Europe/Belgrade",
            "locale": "sr-Latn",
            "city": "Novi Sad",
            "attributes": {"plan": "pro", "seats": 12, "tags": ["a", "b"], "nested": {"ok": True}},
        },
    )
    assert created.status_code == 201, created.content
    contact = created.json()
    assert contact["kind"] == "user" and contact["email"] == "ana@example.test"
    assert api.get(f"/contacts/{contact['id']}").json() == contact

    updated = api.patch(f"/contacts/{contact['id']}", {"name": "Ana B.", "attributes": {"seats": 15}}).json()
    assert updated["name"] == "Ana B." and updated["city"] == "Novi Sad"
    assert updated["attributes"] == {"plan": "pro", "seats": 15, "tags": ["a", "b"], "nested": {"ok": True}}


def test_a_contact_with_only_a_visitor_id_is_a_lead(api):
    lead = api.post("/contacts", {"visitor_id": "v-77"}).json()
    assert lead["kind"] == "lead" and lead["visitor_id"] == "v-77"
    user = api.patch(f"/contacts/{lead['id']}", {"external_id": "u-77"}).json()
    assert user["kind"] == "user"


def test_contacts_are_listed_newest_first_with_search_and_kind(api, workspace):
    made = [create_contact(workspace, email=f"person{n}@example.test", name=f"Person {n}") for n in range(5)]
    lead = create_contact(workspace, visitor_id="v-1", name="Wanderer")
    listed = api.all_pages("/contacts", limit=2)
    assert [c["id"] for c in listed] == [lead.pk] + [c.pk for c in reversed(made)]
    assert [c["id"] for c in api.all_pages("/contacts", kind="lead")] == [lead.pk]
    assert [c["id"] for c in api.all_pages("/contacts", search="person3")] == [made[3].pk]
    assert [c["id"] for c in api.all_pages("/contacts", search="wander")] == [lead.pk]
    assert api.all_pages("/contacts", search="nobody") == []


def test_a_lead_is_merged_into_a_user_keeping_its_conversations(api, workspace, contact):
    lead = create_contact(workspace, visitor_id="v-5", name="Visitor", city="Lisbon")
    conversation = conversation_services.start_conversation(workspace, contact=lead, body="pricing?")
    response = api.post(f"/contacts/{lead.pk}/merge", {"user_id": contact.pk})
    assert response.status_code == 200
    assert response.json()["id"] == contact.pk and response.json()["city"] == "Lisbon"
    conversation.refresh_from_db()
    assert conversation.contact_id == contact.pk
    assert api.get(f"/contacts/{lead.pk}").json()["merged_into_id"] == contact.pk
    assert [c["id"] for c in api.all_pages("/contacts")] == [contact.pk]
    assert events_of_workspace(workspace).filter(type="contact.merged").count() == 1
    again = api.post(f"/contacts/{lead.pk}/merge", {"user_id": contact.pk})
    assert again.status_code == 409 and again.json()["detail"] == "This lead was already merged."


def test_only_a_lead_merges_and_only_into_a_user(api, workspace, contact):
    other_user = create_contact(workspace, external_id="u-2")
    lead = create_contact(workspace, visitor_id="v-2")
    assert (
        "Only a lead"
        in api.post(f"/contacts/{other_user.pk}/merge", {"user_id": contact.pk}).json()["detail"]
    )
    other_lead = create_contact(workspace, visitor_id="v-3")
    assert (
        "only be merged into a user"
        in api.post(f"/contacts/{lead.pk}/merge", {"user_id": other_lead.pk}).json()["detail"]
    )
    assert Contact.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({}, 422, "needs an external_id, an email or a visitor_id"),
        ({"email": "not-an-email"}, 422, "not a valid email address"),
        ({"external_id": "u", "timezone": "Mars/Olympus"}, 422, "not a known IANA time zone"),
        ({"external_id": "u", "locale": "zz-ZZ-wat"}, 422, "not a known locale"),
        ({"external_id": "u", "kind": "robot"}, 422, "kind"),
        ({"external_id": "x" * 191}, 422, "external_id"),
        ({"external_id": "u", "name": "n" * 191}, 422, "name"),
        ({"external_id": "u", "attributes": ["not", "an", "object"]}, 422, "attributes"),
        ({"external_id": "u", "attributes": {"big": "x" * 17_000}}, 422, "larger than"),
        ({"external_id": "u", "attributes": {"k": "nul\x00"}}, 422, "NUL"),
        ({"external_id": "u", "name": 12}, 422, "name"),
        ({"external_id": "cust-1"}, 409, "already exists"),
    ],
)
def test_bad_contacts_are_refused_with_a_reason_and_nothing_is_created(
    api, contact, payload, status, message
):
    before = Contact.objects.count()
    response = api.post("/contacts", payload)
    assert response.status_code == status, response.content
    assert message in response.json()["detail"]
    assert Contact.objects.count() == before


def test_a_bad_update_changes_nothing(api, contact):
    for payload in (
        {"email": "broken"},
        {"timezone": "Nowhere/Land"},
        {"attributes": "x"},
        {"name": "n" * 191},
    ):
        assert api.patch(f"/contacts/{contact.pk}", payload).status_code == 422
    contact.refresh_from_db()
    assert (contact.email, contact.timezone, contact.attributes) == (
        "casey@customer.test",
        "America/Los_Angeles",
        {},
    )


class TestTenancy:
    def test_another_workspaces_contact_cannot_be_read_or_changed(self, api, other_contact, contact):
        assert api.get(f"/contacts/{other_contact.pk}").status_code == 404
        assert api.get(f"/contacts/{other_contact.pk}").json()["detail"] == (
            f"No contact with id {other_contact.pk} in this workspace."
        )
        assert api.patch(f"/contacts/{other_contact.pk}", {"name": "Taken over"}).status_code == 404
        assert [c["id"] for c in api.all_pages("/contacts")] == [contact.pk]
        assert api.all_pages("/contacts", search="globex") == []
        other_contact.refresh_from_db()
        assert other_contact.name == ""

    def test_leads_and_users_of_another_workspace_cannot_be_merged(
        self, api, workspace, other_workspace, contact
    ):
        our_lead = create_contact(workspace, visitor_id="v-ours")
        their_lead = create_contact(other_workspace, visitor_id="v-theirs")
        their_user = create_contact(other_workspace, external_id="theirs")
        assert api.post(f"/contacts/{our_lead.pk}/merge", {"user_id": their_user.pk}).status_code == 404
        assert api.post(f"/contacts/{their_lead.pk}/merge", {"user_id": contact.pk}).status_code == 404
        assert not Contact.objects.filter(merged_into__isnull=False).exists()

    def test_the_same_external_id_may_exist_in_two_workspaces(self, api, other_contact):
        created = api.post("/contacts", {"external_id": other_contact.external_id})
        assert created.status_code == 201 and created.json()["id"] != other_contact.pk
