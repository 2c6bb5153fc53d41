"""Read state: the contact marks a conversation seen; the messenger's list counts what is unread
(the team's and the bot's messages after that, never notes); the inbox shows "Seen" under the last
reply the customer saw."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from concierge.conversations import selectors, services
from tests.api_client import messenger_for_user, messenger_for_visitor

M = "/messenger"


def _unread(client, conversation_id) -> int:
    (item,) = [c for c in client.all_pages(f"{M}/conversations") if c["id"] == conversation_id]
    return item["unread_count"]


def test_unread_counts_the_teams_and_the_bots_messages_after_seen(visitor, workspace, agent):
    conversation_id = visitor.post(f"{M}/conversations", {"body": "Hello"}).json()["id"]
    conversation = selectors.conversation_by_id(workspace, conversation_id)
    assert _unread(visitor, conversation_id) == 0
    services.deliver_bot_answer(conversation, "Maybe this article helps")
    services.reply_as_teammate(conversation, agent, "Hi, I am here")
    services.add_note(conversation, agent, "internal")  # never counted
    assert _unread(visitor, conversation_id) == 2
    assert visitor.get(f"{M}/conversations/{conversation_id}").json()["unread_count"] == 2

    seen = visitor.post(f"{M}/conversations/{conversation_id}/seen")
    assert seen.status_code == 200
    assert seen.json()["unread_count"] == 0 and seen.json()["seen_at"] is not None
    assert _unread(visitor, conversation_id) == 0
    services.reply_as_teammate(conversation, agent, "One more thing")
    assert _unread(visitor, conversation_id) == 1


def test_seen_only_moves_forward(workspace, contact):
    conversation = services.start_conversation(workspace, contact=contact, body="Hi")
    now = timezone.now()
    services.mark_seen_by_contact(conversation, at=now)
    services.mark_seen_by_contact(conversation, at=now - timedelta(minutes=5))
    conversation.refresh_from_db()
    assert conversation.contact_seen_at == now


def test_another_contacts_conversation_is_a_404(visitor, workspace, contact, other_workspace):
    theirs = services.start_conversation(workspace, contact=contact, body="Mine")
    refused = visitor.post(f"{M}/conversations/{theirs.pk}/seen")
    assert refused.status_code == 404
    assert (
        messenger_for_visitor(other_workspace, "v-9").post(f"{M}/conversations/{theirs.pk}/seen").status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.contact_seen_at is None
    assert (
        messenger_for_user(workspace, contact.external_id)
        .post(f"{M}/conversations/{theirs.pk}/seen")
        .status_code
        == 200
    )


def test_the_inbox_shows_seen_under_the_last_reply_the_customer_saw(client, workspace, owner, agent, contact):
    client.force_login(owner.user)
    conversation = services.start_conversation(workspace, contact=contact, body="Hi")
    services.reply_as_teammate(conversation, agent, "First answer")
    page = reverse("web:conversation", args=["acme", conversation.pk])
    assert "seen-note" not in client.get(page).content.decode()

    services.mark_seen_by_contact(conversation)
    html = client.get(page).content.decode()
    assert html.count('class="seen-note') == 1
    assert html.index("First answer") < html.index("seen-note")

    services.reply_as_teammate(conversation, agent, "Second answer")  # not seen yet
    assert "seen-note" not in client.get(page).content.decode()
