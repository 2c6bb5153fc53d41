"""Contacts made in bulk for the event log's importer, and looked up by external id."""

from concierge.contacts.models import Contact
from concierge.contacts.selectors import contact_ids_by_external_id
from concierge.contacts.services import create_contact, create_users_in_bulk


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
