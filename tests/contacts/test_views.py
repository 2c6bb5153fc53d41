"""The contacts pages: search, paging, one contact with attributes and conversations; tenancy."""

import pytest
from django.urls import reverse

from concierge.contacts.services import create_contact, merge_lead_into_user
from concierge.conversations.services import start_conversation


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def contacts_url(slug="acme"):
    return reverse("web:contacts", args=[slug])


def contact_url(contact, slug="acme"):
    return reverse("web:contact", args=[slug, contact.pk])


def test_list_shows_this_workspaces_contacts_with_their_conversation_counts(
    owner_client, workspace, contact, other_contact
):
    start_conversation(workspace, contact=contact, body="one")
    start_conversation(workspace, contact=contact, body="two")
    response = owner_client.get(contacts_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Casey Customer" in page and "casey@customer.test" in page
    assert "gina@globex-customer.test" not in page
    assert [c.conversation_count for c in response.context["page"].object_list] == [2]


def test_search_by_name_email_or_external_id_and_kind(owner_client, workspace, contact):
    create_contact(workspace, external_id="ext-42", name="Dana Diaz", email="dana@example.test")
    visitor = create_contact(workspace, visitor_id="v-1")
    nameless = f"Visitor #{visitor.pk}"

    def names(**query):
        response = owner_client.get(contacts_url(), query)
        assert response.status_code == 200
        return sorted(c.display_name for c in response.context["page"].object_list)

    assert names(q="dana") == ["Dana Diaz"]
    assert names(q="customer.test") == ["Casey Customer"]
    assert names(q="ext-4") == ["Dana Diaz"]
    assert names(kind="lead") == [nameless]
    assert names(kind="user") == ["Casey Customer", "Dana Diaz"]
    assert names(kind="nonsense") == sorted(["Casey Customer", "Dana Diaz", nameless])
    assert names(q="x" * 5000) == []  # an absurd search is cut short, not an error


def test_search_over_htmx_answers_the_results_fragment(owner_client, workspace, contact):
    response = owner_client.get(
        contacts_url(), {"q": "casey"}, headers={"HX-Request": "true", "HX-Target": "contact-results"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "Casey Customer" in page


def test_contacts_are_paged(owner_client, workspace):
    for number in range(55):
        create_contact(workspace, external_id=f"c-{number:02}")
    first = owner_client.get(contacts_url())
    second = owner_client.get(contacts_url(), {"page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_contact_page_shows_attributes_escaped_and_their_conversations(
    owner_client, workspace, other_workspace
):
    person = create_contact(
        workspace,
        external_id="u-9",
        name="Eve <script>alert(1)</script>",
        email="eve@example.test",
        timezone="Asia/Tokyo",
        city="Osaka",
        attributes={"plan": "<b>pro</b>", "seats": 12, "flags": {"beta": True}},
    )
    start_conversation(workspace, contact=person, body="Where is my invoice?", subject="Invoice")
    page = owner_client.get(contact_url(person)).content.decode()
    assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;pro&lt;/b&gt;" in page
    assert "<dd>12</dd>" in page and "{&quot;beta&quot;: true}" in page
    assert "Tokyo time" in page and "Osaka" in page
    assert "Invoice" in page


def test_a_merged_lead_points_to_the_user(owner_client, workspace, contact):
    lead = create_contact(workspace, visitor_id="visitor-7")
    start_conversation(workspace, contact=lead, body="anonymous question")
    merge_lead_into_user(lead, contact)
    page = owner_client.get(contact_url(lead)).content.decode()
    assert "merged into" in page and contact_url(contact) in page
    assert "anonymous question" in owner_client.get(contact_url(contact)).content.decode()


def test_another_workspaces_contact_is_not_found(owner_client, workspace, other_workspace, other_contact):
    assert owner_client.get(contact_url(other_contact)).status_code == 404
    assert owner_client.get(contact_url(other_contact, slug="globex")).status_code == 404
    assert owner_client.get(contacts_url("globex")).status_code == 404
