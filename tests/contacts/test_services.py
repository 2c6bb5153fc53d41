"""Contacts made in bulk for the event log's importer, and looked up by external id; a lead that
confirms its email address joins the user with it."""

import pytest

from concierge.contacts.models import Contact
from concierge.contacts.selectors import contact_ids_by_external_id, user_by_email
from concierge.contacts.services import confirm_lead_email, create_contact, create_users_in_bulk
from concierge.core.errors import InvalidInput
from concierge.events.models import Event


def test_users_made_in_bulk_leave_those_already_there_as_they_are(workspace, other_workspace):
    there = create_contact(workspace, external_id="b", name="Bea")
    create_contact(other_workspace, external_id="c")
    made = create_users_in_bulk(workspace, ["a", "b", "c", "it's"])
    assert sorted(made) == ["a", "c", "it's"]
    for external_id, contact_id in made.items():
        contact = Contact.objects.get(pk=contact_id)
        assert (contact.workspace_id, contact.external_id, contact.kind) == (
            workspace.pk,
            external_id,
            "user",
        )
        assert contact.created_at is not None and contact.attributes == {}
    assert Contact.objects.get(pk=there.pk).name == "Bea"
    assert contact_ids_by_external_id(workspace, ["b", "c", "nobody"]) == {"b": there.pk, "c": made["c"]}


def test_a_lead_that_confirms_its_address_joins_the_user_with_it(workspace, contact):
    booker = create_contact(workspace, email="Casey@Customer.test", name="Casey", kind="lead")
    assert confirm_lead_email(booker) == contact
    booker.refresh_from_db()
    assert booker.merged_into == contact
    [merged] = Event.objects.filter(type="contact.merged")
    assert (merged.contact, merged.data["lead"]) == (contact, f"contact:{booker.pk}")
    # Once merged, again changes nothing.
    assert confirm_lead_email(booker) == contact
    assert Event.objects.filter(type="contact.merged").count() == 1


def test_a_lead_whose_address_no_user_has_becomes_that_user_and_the_next_joins_it(workspace):
    first = create_contact(workspace, email="new@customer.test", kind="lead")
    second = create_contact(workspace, email="new@customer.test", kind="lead")
    assert user_by_email(workspace, "new@customer.test") is None
    assert confirm_lead_email(first) == first
    first.refresh_from_db()
    assert first.kind == "user"
    assert user_by_email(workspace, "NEW@customer.test ") == first
    assert confirm_lead_email(second) == first


def test_a_messenger_visitor_is_not_identified_by_an_email_link(workspace, contact):
    visitor = create_contact(workspace, visitor_id="v-1", email="casey@customer.test")
    with pytest.raises(InvalidInput, match="identified by the messenger"):
        confirm_lead_email(visitor)
    visitor.refresh_from_db()
    assert (visitor.kind, visitor.merged_into_id) == ("lead", None)


def test_an_edit_keeps_the_identity_the_contact_is_reached_by(workspace, contact, owner):
    from concierge.contacts.services import edit_contact
    from concierge.workspaces.services import Actor

    edited = edit_contact(
        contact,
        actor=Actor.for_teammate(owner),
        name="Casey C.",
        email="",  # a user with a verified external id may have no email address
        attributes={"plan": "pro", "tags": ["a", "b"], "score": 1.5, "beta": False, "empty": None},
    )
    assert (edited.external_id, edited.kind, edited.email, edited.name) == ("cust-1", "user", "", "Casey C.")
    assert edited.attributes["tags"] == ["a", "b"]


@pytest.mark.parametrize(
    "attributes",
    [
        "plan=pro",
        {"plan": object()},
        {"score": float("nan")},
        {"": "x"},
        {"bad\nname": "x"},
        {"plan": "two\nlines"},
        {"big": "x" * 999, **{f"k{n}": "y" * 999 for n in range(20)}},
    ],
)
def test_an_edit_with_bad_attributes_is_refused_and_changes_nothing(workspace, contact, owner, attributes):
    from concierge.contacts.services import edit_contact
    from concierge.workspaces.models import AuditEntry
    from concierge.workspaces.services import Actor

    with pytest.raises(InvalidInput):
        edit_contact(contact, actor=Actor.for_teammate(owner), name="New", email="", attributes=attributes)
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Casey Customer", "casey@customer.test")
    assert not AuditEntry.objects.filter(action="contact.edited").exists()
