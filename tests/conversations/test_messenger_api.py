"""The messenger API: a contact identified by visitor id or by user id + user_hash, and what they see."""

import hashlib
import hmac

import pytest

from concierge.contacts.models import Contact
from concierge.contacts.services import create_contact, merge_lead_into_user
from concierge.conversations import selectors, services
from concierge.events.selectors import events_of_workspace
from tests.api_client import ApiClient, messenger_for_user, messenger_for_visitor

M = "/messenger"


def test_a_visitor_becomes_a_lead_on_first_use_and_talks_with_the_team(visitor, workspace, agent):
    assert not Contact.objects.filter(workspace=workspace, visitor_id="visitor-1").exists()
    me = visitor.get(f"{M}/me").json()
    lead = Contact.objects.get(workspace=workspace, visitor_id="visitor-1")
    assert me == {"id": lead.pk, "kind": "lead", "name": "", "email": ""}

    started = visitor.post(f"{M}/conversations", {"body": "Where is my <b>order</b>?", "subject": "Order"})
    assert started.status_code == 201
    conversation = started.json()
    assert conversation["state"] == "open"
    assert [(p["author"], p["body"]) for p in conversation["parts"]] == [
        ("contact", "Where is my <b>order</b>?")
    ]
    stored = selectors.conversation_by_id(workspace, conversation["id"])
    assert stored.contact_id == lead.pk and stored.channel == "messenger" and stored.initiator == "contact"

    services.add_note(stored, agent, "Internal: customer is on the old plan")
    services.assign_conversation(stored, teammate=agent, assignee=agent)
    services.reply_as_teammate(stored, agent, "It ships tomorrow")
    seen = visitor.get(f"{M}/conversations/{stored.pk}").json()
    assert [(p["kind"], p["author"], p["author_name"], p["body"]) for p in seen["parts"]] == [
        ("comment", "contact", None, "Where is my <b>order</b>?"),
        ("comment", "teammate", agent.name, "<p>It ships tomorrow</p>"),
    ]
    assert "Internal" not in str(seen) and "assignment" not in str(seen)

    reply = visitor.post(f"{M}/conversations/{stored.pk}/replies", {"body": "Thanks!"})
    assert reply.status_code == 201 and reply.json()["author"] == "contact"
    services.close_conversation(stored, teammate=agent)
    rated = visitor.post(f"{M}/conversations/{stored.pk}/rating", {"rating": 5, "remark": "great"}).json()
    assert rated["rating"] == 5 and rated["state"] == "closed"
    listed = visitor.all_pages(f"{M}/conversations")
    assert [c["id"] for c in listed] == [stored.pk]
    assert listed[0]["last_part_preview"] == "Thanks!"
    types = [e.type for e in events_of_workspace(workspace)]
    assert types[0] == "conversation.started" and types[-1] == "conversation.rated"


def test_a_contact_reply_brings_a_closed_conversation_back(visitor, workspace, agent):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "hello"}).json()["id"]
    services.close_conversation(selectors.conversation_by_id(workspace, conversation_id), teammate=agent)
    visitor.post(f"{M}/conversations/{conversation_id}/replies", {"body": "one more thing"})
    assert visitor.get(f"{M}/conversations/{conversation_id}").json()["state"] == "open"


def test_a_snoozed_conversation_shows_as_open_to_the_contact(visitor, workspace, agent):
    from datetime import timedelta

    from django.utils import timezone

    conversation_id = visitor.post(f"{M}/conversations", {"body": "hello"}).json()["id"]
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    services.snooze_conversation(conversation, until=timezone.now() + timedelta(hours=1), teammate=agent)
    assert visitor.get(f"{M}/conversations/{conversation_id}").json()["state"] == "open"


def test_a_verified_user_sees_their_conversations(signed_in_customer, workspace, contact):
    conversation = services.start_conversation(workspace, contact=contact, body="from the API")
    assert signed_in_customer.get(f"{M}/me").json()["id"] == contact.pk
    assert [c["id"] for c in signed_in_customer.all_pages(f"{M}/conversations")] == [conversation.pk]


def test_a_verified_user_unknown_so_far_is_created(workspace):
    customer = messenger_for_user(workspace, "new-user-42")
    assert customer.get(f"{M}/me").status_code == 200
    assert Contact.objects.get(workspace=workspace, external_id="new-user-42").kind == "user"


def test_user_hash_is_hex_hmac_sha256_of_the_user_id_with_the_identity_secret(workspace, contact):
    user_hash = hmac.new(workspace.identity_secret.encode(), b"cust-1", hashlib.sha256).hexdigest()
    customer = ApiClient({"X-Workspace": "acme", "X-User-Id": "cust-1", "X-User-Hash": user_hash.upper()})
    assert customer.get(f"{M}/me").json()["id"] == contact.pk


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "X-Workspace"),
        ({"X-Workspace": "acme"}, "Send X-Visitor-Id"),
        ({"X-Workspace": "nope", "X-Visitor-Id": "v"}, "No workspace"),
        ({"X-Workspace": "ACME; drop", "X-Visitor-Id": "v"}, "must be a workspace slug"),
        ({"X-Workspace": "acme", "X-Visitor-Id": "x" * 191}, "1 to 190"),
        ({"X-Workspace": "acme", "X-Visitor-Id": "has space"}, "1 to 190"),
        ({"X-Workspace": "acme", "X-User-Id": "cust-1"}, "X-User-Hash is required"),
        ({"X-Workspace": "acme", "X-User-Id": "cust-1", "X-User-Hash": "0" * 64}, "does not match"),
        ({"X-Workspace": "acme", "X-User-Id": "cust-1", "X-User-Hash": "not-hex"}, "does not match"),
        (
            {"X-Workspace": "acme", "X-User-Id": "cust-1", "X-User-Hash": "wrong", "X-Visitor-Id": "v"},
            "does not match",
        ),
        ({"Authorization": "Bearer ck_whatever"}, "X-Workspace"),
    ],
)
def test_unidentified_or_unverified_contacts_are_refused_and_nothing_is_created(
    workspace, contact, headers, message
):
    contacts_before = Contact.objects.count()
    client = ApiClient(headers)
    for response in (client.get(f"{M}/conversations"), client.post(f"{M}/conversations", {"body": "hi"})):
        assert response.status_code == 401
        assert message in response.json()["detail"]
    assert Contact.objects.count() == contacts_before
    assert not selectors.inbox(workspace).exists()


def test_a_hash_made_with_another_workspaces_secret_is_refused(workspace, contact, other_workspace):
    forged = messenger_for_user(other_workspace, "cust-1").headers | {"X-Workspace": "acme"}
    response = ApiClient(forged).get(f"{M}/conversations")
    assert response.status_code == 401 and "does not match" in response.json()["detail"]


def test_a_visitor_id_that_belongs_to_a_user_does_not_open_the_users_conversations(workspace):
    user = create_contact(workspace, external_id="u-9", visitor_id="known-visitor")
    services.start_conversation(workspace, contact=user, body="private")
    response = messenger_for_visitor(workspace, "known-visitor").get(f"{M}/conversations")
    assert response.status_code == 401
    assert "identified as a user" in response.json()["detail"]


def test_a_merged_lead_must_identify_as_the_user(workspace, contact):
    lead = create_contact(workspace, visitor_id="v-merged")
    services.start_conversation(workspace, contact=lead, body="before sign-in")
    merge_lead_into_user(lead, contact)
    assert messenger_for_visitor(workspace, "v-merged").get(f"{M}/conversations").status_code == 401
    assert len(messenger_for_user(workspace, "cust-1").all_pages(f"{M}/conversations")) == 1


def test_an_api_key_does_not_open_the_messenger_and_the_messenger_does_not_open_the_api(
    api, visitor, workspace
):
    assert api.get(f"{M}/conversations").status_code == 401
    response = visitor.get("/conversations")
    assert response.status_code == 401 and "API key" in response.json()["detail"]


def test_bad_messenger_input_is_refused_with_a_reason(visitor, workspace):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "hello"}).json()["id"]
    cases = [
        ("/conversations", {"body": ""}, "body"),
        ("/conversations", {"body": "x" * 20_001}, "at most 20000"),
        ("/conversations", {"body": 42}, "body"),
        ("/conversations", {"subject": "no body"}, "body"),
        (f"/conversations/{conversation_id}/replies", {"body": "<script>x()</script>"}, "must not be empty"),
        (f"/conversations/{conversation_id}/rating", {"rating": 0}, "rating"),
        (f"/conversations/{conversation_id}/rating", {"rating": 3, "remark": "x" * 2001}, "remark"),
    ]
    for path, payload, message in cases:
        response = visitor.post(f"{M}{path}", payload)
        assert response.status_code == 422, (path, payload, response.content)
        assert message in response.json()["detail"]
    malformed = visitor.post(f"{M}/conversations", raw="{not json")
    assert malformed.status_code in (400, 422) and malformed.json()["detail"]
    assert selectors.parts_of(selectors.conversation_by_id(workspace, conversation_id)).count() == 1


def test_messages_are_stored_sanitised(visitor, workspace):
    body = '<a href="javascript:alert(1)">click</a><script>steal()</script><i>hi</i>'
    conversation = visitor.post(f"{M}/conversations", {"body": body}).json()
    stored = selectors.parts_of(selectors.conversation_by_id(workspace, conversation["id"])).get()
    assert "javascript" not in stored.body and "script" not in stored.body and "<i>hi</i>" in stored.body


class TestTenancy:
    """A contact sees and changes only their own conversations, in their own workspace."""

    def test_another_contacts_conversation_is_404_and_unchanged(self, visitor, workspace, contact):
        theirs = services.start_conversation(workspace, contact=contact, body="mine, not yours")
        path = f"{M}/conversations/{theirs.pk}"
        assert visitor.get(path).status_code == 404
        assert visitor.post(f"{path}/replies", {"body": "hijack"}).status_code == 404
        assert visitor.post(f"{path}/rating", {"rating": 1}).status_code == 404
        assert visitor.all_pages(f"{M}/conversations") == []
        theirs.refresh_from_db()
        assert theirs.rating is None and selectors.parts_of(theirs).count() == 1

    def test_another_workspaces_conversation_is_404(self, workspace, other_workspace, other_contact):
        theirs = services.start_conversation(other_workspace, contact=other_contact, body="globex only")
        # The same visitor id in two workspaces is two different leads.
        ours = messenger_for_visitor(workspace, "shared-visitor")
        messenger_for_visitor(other_workspace, "shared-visitor").post(
            f"{M}/conversations", {"body": "at globex"}
        )
        assert ours.get(f"{M}/conversations/{theirs.pk}").status_code == 404
        assert ours.post(f"{M}/conversations/{theirs.pk}/replies", {"body": "x"}).status_code == 404
        assert ours.all_pages(f"{M}/conversations") == []
        globex_user = messenger_for_user(other_workspace, "globex-cust")
        assert [c["id"] for c in globex_user.all_pages(f"{M}/conversations")] == [theirs.pk]
        assert ApiClient(globex_user.headers | {"X-Workspace": "acme"}).get(f"{M}/me").status_code == 401


def test_the_customer_gets_a_teammates_markdown_as_safe_html_and_as_text(visitor, workspace, agent):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "How do I export?"}).json()["id"]
    stored = selectors.conversation_by_id(workspace, conversation_id)
    services.reply_as_teammate(
        stored, agent, "**Settings → Export**, then see https://docs.example.com/export\n<script>x()</script>"
    )
    [question, answer] = visitor.get(f"{M}/conversations/{conversation_id}").json()["parts"]
    assert (question["text"], question["html"]) == ("How do I export?", "How do I export?")
    assert answer["html"] == answer["body"]
    assert answer["html"] == (
        "<p><strong>Settings → Export</strong>, then see "
        '<a href="https://docs.example.com/export" target="_blank" rel="nofollow noopener noreferrer">'
        "https://docs.example.com/export</a></p>"
    )
    assert answer["text"] == "Settings → Export, then see https://docs.example.com/export"
    assert "script" not in str(answer)
