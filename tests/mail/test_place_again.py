"""Mail that could not be placed (for an address no mailbox had, unreadable) is placed again from
the mail pages once its mailbox is there: read again from the kept original, placed once."""

import pytest
from django.test import Client
from django.urls import reverse

from concierge.conversations.models import Conversation
from concierge.core.errors import Conflict, InvalidInput
from concierge.mail.models import MailMessage
from concierge.mail.services.inbound import place_again, receive_mail
from concierge.mail.services.mailboxes import create_mailbox
from tests.mail import samples


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent.user)
    return client


def unplaced_for_help(workspace):
    received = receive_mail(samples.gmail_first(to="help@acme.test"), via="http", workspace=workspace)
    assert received.message.outcome == "unplaced"
    return received.message


def test_an_email_for_a_mailbox_added_later_is_placed_again_once(workspace, agent, agent_client):
    message = unplaced_for_help(workspace)
    place = reverse("web:mail_place_again", args=[workspace.slug, message.pk])
    listed = agent_client.get(reverse("web:mail", args=[workspace.slug])).content.decode()
    assert place in listed

    # Not yet: the mailbox is still missing; the page says what to do, nothing changes.
    answer = agent_client.post(place)
    assert answer.status_code == 422
    assert "Still no mailbox of this workspace has the address" in answer.content.decode()
    assert not Conversation.objects.filter(workspace=workspace).exists()

    create_mailbox(workspace, address="help@acme.test", sender_name="Acme Help")
    answer = agent_client.post(place)
    message.refresh_from_db()
    assert (message.outcome, message.mailbox.address) == ("placed", "help@acme.test")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/inbox/{message.conversation_id}/")
    assert message.reason.startswith("Placed again by ")
    conversation = message.conversation
    assert (conversation.channel, conversation.contact.email) == ("email", "casey@gmail.test")
    assert conversation.mail_thread.mailbox.address == "help@acme.test"

    # Once: a second click changes nothing.
    answer = agent_client.post(place)
    assert answer.status_code == 409
    assert Conversation.objects.filter(workspace=workspace).count() == 1
    with pytest.raises(Conflict):
        place_again(message, teammate=agent)
    assert place not in agent_client.get(reverse("web:mail", args=[workspace.slug])).content.decode()


def test_an_unreadable_email_still_unreadable_says_so(workspace, agent, support):
    received = receive_mail(b"this is not an email at all", via="http", workspace=workspace)
    with pytest.raises(InvalidInput, match="still cannot be read"):
        place_again(received.message, teammate=agent)
    received.message.refresh_from_db()
    assert received.message.outcome == "unplaced"


def test_the_same_email_placed_since_is_not_placed_twice(workspace, agent):
    message = unplaced_for_help(workspace)
    create_mailbox(workspace, address="help@acme.test", sender_name="Acme Help")
    # The sender's server tried again and this time it was placed.
    again = samples.gmail_first(to="help@acme.test").replace(b"Message-ID", b"X-Old-ID", 1)
    again = again.replace(
        b"MIME-Version: 1.0\r\n", b"MIME-Version: 1.0\r\nMessage-ID: <CAF8x2Q0first@mail.gmail.com>\r\n"
    )
    MailMessage.objects.filter(pk=message.pk).update(message_id="")  # kept before it could be read
    assert receive_mail(again, via="http", workspace=workspace).message.outcome == "placed"
    with pytest.raises(Conflict, match="already kept as email"):
        place_again(message, teammate=agent)
    assert Conversation.objects.filter(workspace=workspace).count() == 1


def test_another_workspaces_email_is_not_found(workspace, other_workspace, agent, agent_client):
    other = receive_mail(
        samples.gmail_first(to="help@acme.test"), via="http", workspace=other_workspace
    ).message
    answer = agent_client.post(reverse("web:mail_place_again", args=[workspace.slug, other.pk]))
    assert answer.status_code == 404
    assert agent_client.get(reverse("web:mail_place_again", args=[workspace.slug, other.pk])).status_code in (
        404,
        405,
    )
