"""A contact known by an external id is a user, reached only with its verified identity: never by a
visitor id, whatever the API was sent, and merging keeps it so (the messenger identity bypass)."""

import pytest
from django.db import IntegrityError, transaction

from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact, merge_lead_into_user
from concierge.conversations import services as conversation_services
from tests.api_client import messenger_for_user, messenger_for_visitor

M = "/messenger"


@pytest.fixture
def users_conversation(workspace):
    user = create_contact(workspace, external_id="ext-1", email="ana@customer.test")
    return conversation_services.start_conversation(workspace, contact=user, body="my invoice is wrong")


def test_a_lead_with_an_external_id_is_refused_and_nothing_is_made(api, workspace, users_conversation):
    response = api.post("/contacts", {"kind": "lead", "external_id": "ext-2", "visitor_id": "vis-2"})
    assert response.status_code == 422
    assert "A lead has no external_id" in response.json()["detail"]
    assert not Contact.objects.filter(visitor_id="vis-2").exists()


def test_the_reported_bypass_opens_nothing_of_the_user(api, workspace, users_conversation):
    """POST {"kind": "lead", "external_id": "ext-1", "visitor_id": "vis-1"}, then X-Visitor-Id alone."""
    attempt = api.post("/contacts", {"kind": "lead", "external_id": "ext-1", "visitor_id": "vis-1"})
    assert attempt.status_code == 422
    visitor = messenger_for_visitor(workspace, "vis-1")
    assert visitor.get(f"{M}/conversations").json()["items"] == []
    reply = visitor.post(f"{M}/conversations/{users_conversation.pk}/replies", {"body": "it is me"})
    assert reply.status_code == 404
    assert users_conversation.parts.count() == 1
    assert len(messenger_for_user(workspace, "ext-1").all_pages(f"{M}/conversations")) == 1


def test_a_user_needs_an_external_id_or_an_email(api, workspace):
    response = api.post("/contacts", {"kind": "user", "visitor_id": "vis-3"})
    assert (
        response.status_code == 422 and "A user needs an external_id or an email" in response.json()["detail"]
    )
    user = api.post("/contacts", {"external_id": "ext-4"}).json()
    cleared = api.patch(f"/contacts/{user['id']}", {"external_id": ""})
    assert cleared.status_code == 422
    assert Contact.objects.get(pk=user["id"]).external_id == "ext-4"


def test_the_database_refuses_a_lead_with_an_external_id(workspace):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(workspace=workspace, kind="lead", external_id="ext-5", visitor_id="vis-5")


def test_a_visitor_whose_contact_gained_an_external_id_is_sent_to_verify(api, workspace):
    lead = api.post("/contacts", {"visitor_id": "vis-6"}).json()
    assert messenger_for_visitor(workspace, "vis-6").get(f"{M}/conversations").status_code == 200
    api.patch(f"/contacts/{lead['id']}", {"external_id": "ext-6"})
    refused = messenger_for_visitor(workspace, "vis-6").get(f"{M}/conversations")
    assert refused.status_code == 401 and "identified as a user" in refused.json()["detail"]


def test_merging_keeps_the_rule(workspace, users_conversation):
    lead = create_contact(workspace, visitor_id="vis-7")
    conversation_services.start_conversation(workspace, contact=lead, body="asked before signing in")
    merge_lead_into_user(lead, Contact.objects.get(external_id="ext-1"))
    assert messenger_for_visitor(workspace, "vis-7").get(f"{M}/conversations").status_code == 401
    assert len(messenger_for_user(workspace, "ext-1").all_pages(f"{M}/conversations")) == 2
