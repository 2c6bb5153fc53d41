"""A message's text filled in for a contact: bare names are the contact's, the sender and the
workspace by their namespaces; values escaped as Markdown; a missing value gives the fallback."""

import pytest

from concierge.contacts.services import create_contact
from concierge.core.errors import InvalidInput
from concierge.outbound.personalisation import check_personalisation, personalise, version_for

pytestmark = pytest.mark.django_db


def test_first_name_company_and_any_attribute(workspace, owner):
    contact = create_contact(
        workspace,
        external_id="x",
        name="Zoë *Bold* Tan",
        attributes={"company": "Acme <Corp>", "seats": 1250},
    )
    text = "Hi {{first_name|there}} at {{company}} ({{seats}} seats), from {{teammate.first_name}} of {{workspace.name}}"
    filled = personalise(text, contact=contact, sender=owner, workspace=workspace, locale="en")
    assert filled == r"Hi Zoë at Acme \<Corp\> (1,250 seats), from Olivia of Acme Support"
    nameless = create_contact(workspace, external_id="y")
    assert (
        personalise(
            "Hi {{ first_name | there }}! {{plan|}}",
            contact=nameless,
            sender=None,
            workspace=workspace,
            locale="en",
        )
        == "Hi there! "
    )


def test_an_unknown_variable_is_refused_when_written():
    check_personalisation("Hi {{first_name}} {{contact.plan}}", field="body")
    with pytest.raises(InvalidInput, match="Unknown variable"):
        check_personalisation("Hi {{customer.name}}", field="body")


def test_the_version_in_the_contacts_language_or_its_base_or_the_first():
    class Version:
        def __init__(self, locale):
            self.locale = locale

    versions = [Version("en"), Version("pt"), Version("es-MX")]
    assert version_for(versions, "pt-BR").locale == "pt"
    assert version_for(versions, "ES-mx").locale == "es-MX"
    assert version_for(versions, "de").locale == "en"
    assert version_for([], "en") is None
