"""The contacts pages: search, paging, one contact with attributes and conversations; tenancy."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from concierge.contacts.services import create_contact, merge_lead_into_user
from concierge.conversations.services import start_conversation
from concierge.core.errors import InvalidInput


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


def edit_url(contact, slug="acme"):
    return reverse("web:contact-edit", args=[slug, contact.pk])


def test_a_teammate_edits_a_contacts_name_email_and_attributes(owner_client, workspace, owner, contact):
    from concierge.contacts.services import update_contact
    from concierge.workspaces.models import AuditEntry

    update_contact(contact, attributes={"plan": "pro", "seats": 12, "flags": {"beta": True}})
    form = owner_client.get(edit_url(contact))
    page = form.content.decode()
    assert form.status_code == 200
    assert 'value="Casey Customer"' in page and "plan: pro\nseats: 12" in page
    assert "cust-1" in page and "flags" in page  # shown, not editable

    response = owner_client.post(
        edit_url(contact),
        {
            "name": "Casey Q. Customer",
            "email": "Casey@New-Domain.test",
            "attributes": "plan: enterprise\nseats: 40\nvip: true\n\nregion: EU west",
        },
    )
    assert response.status_code == 302 and response["Location"] == contact_url(contact)
    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.external_id) == (
        "Casey Q. Customer",
        "casey@new-domain.test",
        "cust-1",
    )
    assert contact.attributes == {
        "plan": "enterprise",
        "seats": 40,
        "vip": True,
        "region": "EU west",
        "flags": {"beta": True},
    }
    [entry] = AuditEntry.objects.filter(workspace=workspace, action="contact.edited")
    assert (entry.actor_teammate, entry.target_id, entry.target_label) == (
        owner,
        contact.pk,
        "Casey Q. Customer",
    )
    assert entry.changes["attributes.plan"] == ["pro", "enterprise"]
    assert entry.changes["attributes.vip"] == [None, True]
    assert entry.changes["email"] == ["casey@customer.test", "casey@new-domain.test"]
    assert "attributes.flags" not in entry.changes
    page = owner_client.get(contact_url(contact)).content.decode()
    assert "Casey Q. Customer" in page and "EU west" in page

    # Saving the form as it is changes nothing and records nothing.
    owner_client.post(
        edit_url(contact),
        {
            "name": contact.name,
            "email": contact.email,
            "attributes": "plan: enterprise\nseats: 40\nvip: true\nregion: EU west",
        },
    )
    assert AuditEntry.objects.filter(action="contact.edited").count() == 1


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"email": "not-an-address"}, "not a valid email address"),
        ({"name": "x" * 191}, "limit is 190"),
        ({"name": "Casey\x1b"}, "control character"),
        ({"attributes": "just words"}, "Line 1"),
        ({"attributes": "plan: pro\nplan: free"}, "given twice"),
        ({"attributes": "<script>: x"}, "attribute name"),
        ({"attributes": f"{'k' * 65}: x"}, "longer than 64"),
        ({"attributes": f"note: {'v' * 1001}"}, "longer than 1000"),
        ({"attributes": "\n".join(f"a{n}: 1" for n in range(101))}, "at most 100"),
    ],
)
def test_bad_input_on_the_edit_form_is_refused_and_changes_nothing(
    owner_client, workspace, contact, form, says
):
    from concierge.workspaces.models import AuditEntry

    before = (contact.name, contact.email, dict(contact.attributes))
    posted = {"name": contact.name, "email": contact.email, "attributes": "", **form}
    response = owner_client.post(edit_url(contact), posted)
    page = response.content.decode()
    assert response.status_code == 422
    assert says in page and 'role="alert"' in page
    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.attributes) == before
    assert not AuditEntry.objects.filter(action="contact.edited").exists()


def test_a_user_known_only_by_email_keeps_one(owner_client, workspace):
    user = create_contact(workspace, email="only@mail.test")
    response = owner_client.post(edit_url(user), {"name": "Only", "email": "", "attributes": ""})
    assert response.status_code == 422 and "cannot be left empty" in response.content.decode()
    user.refresh_from_db()
    assert (user.name, user.email) == ("", "only@mail.test")


def test_another_workspaces_contact_cannot_be_edited(owner_client, workspace, other_workspace, other_contact):
    assert owner_client.get(edit_url(other_contact)).status_code == 404
    response = owner_client.post(edit_url(other_contact), {"name": "Hacked", "email": "", "attributes": ""})
    assert response.status_code == 404
    assert owner_client.post(edit_url(other_contact, slug="globex"), {"name": "Hacked"}).status_code == 404
    other_contact.refresh_from_db()
    assert other_contact.name == ""


def test_added_is_when_the_contact_first_appeared(owner_client, workspace):
    from datetime import datetime, timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(days=200)
    person = create_contact(workspace, external_id="old-1", name="Old Timer", at=long_ago)
    assert person.created_at == long_ago
    page = owner_client.get(contact_url(person)).content.decode()
    assert long_ago.astimezone(ZoneInfo("America/New_York")).strftime("%B") in page
    with pytest.raises(InvalidInput):
        create_contact(workspace, external_id="old-2", at=datetime(2024, 1, 1))  # no zone
