"""How a contact is named wherever a page shows them."""

from concierge.contacts.services import create_contact


def test_a_nameless_visitor_is_named_by_their_city_or_a_short_number(workspace):
    from_lisbon = create_contact(workspace, visitor_id="visitor-1796154149", city="Lisbon")
    unknown = create_contact(workspace, visitor_id="visitor-2096154150")
    assert from_lisbon.display_name == "Visitor from Lisbon"
    assert unknown.display_name == f"Visitor #{unknown.pk}"
    assert "1796154149" not in from_lisbon.display_name
    assert str(unknown) == unknown.display_name


def test_a_contact_with_a_name_email_or_external_id_is_named_by_it(workspace):
    assert (
        create_contact(workspace, email="ana@example.test", city="Lisbon").display_name == "ana@example.test"
    )
    assert create_contact(workspace, external_id="usr_9", city="Lisbon").display_name == "usr_9"
    named = create_contact(workspace, visitor_id="v-3", name="Ana Silva", city="Lisbon")
    assert named.display_name == "Ana Silva"
