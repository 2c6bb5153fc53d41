"""The email channel's pages: mailbox settings (owners and admins, audited, bad input answered on the
form), the unplaced mail, an email whole with its inline image, attachments scoped to the workspace,
a new email from the inbox, and the inbox showing an email's parts."""

import pytest
from django.test import Client
from django.urls import reverse

from concierge.conversations.services import reply_as_teammate
from concierge.mail.models import Mailbox, MailMessage
from concierge.mail.services.inbound import receive_mail
from concierge.workspaces.models import AuditEntry
from tests.mail import samples


def url(name, workspace, *args):
    return reverse(f"web:{name}", args=[workspace.slug, *args])


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner.user)
    return client


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent.user)
    return client


MAILBOX_FORM = {
    "address": "Help@Acme.test",
    "sender_name": "Acme Help",
    "arrival": "listener",
    "signature": "Cheers",
}


def test_an_owner_adds_and_edits_a_mailbox_and_the_trail_says_so(workspace, owner_client):
    response = owner_client.post(url("settings_mailboxes", workspace), MAILBOX_FORM)
    assert response.status_code == 302
    mailbox = Mailbox.objects.get(address="help@acme.test")
    response = owner_client.post(
        url("settings_mailbox", workspace, mailbox.pk),
        {
            **MAILBOX_FORM,
            "arrival": "imap",
            "imap_host": "imap.acme.test",
            "imap_port": "993",
            "imap_user": "help",
            "imap_password": "s3cret",
            "imap_security": "ssl",
            "imap_folder": "INBOX",
        },
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.arrival == "imap" and "s3cret" not in mailbox.imap_password_encrypted
    actions = list(AuditEntry.objects.filter(workspace=workspace).values_list("action", flat=True))
    assert "mailbox.created" in actions and "mailbox.updated" in actions
    updated = AuditEntry.objects.get(action="mailbox.updated")
    assert updated.changes["imap_password"] == ["(set)", "(changed)"]
    assert "s3cret" not in str(updated.changes)
    page = owner_client.get(url("settings_mailbox", workspace, mailbox.pk)).content.decode()
    assert "s3cret" not in page and "help@acme.test" in page


def test_bad_mailbox_input_is_answered_on_the_form(workspace, owner_client, other_workspace):
    from concierge.mail.services.mailboxes import create_mailbox

    create_mailbox(other_workspace, address="taken@globex.test", sender_name="Globex")
    for data, said in [
        ({**MAILBOX_FORM, "address": "not an address"}, "not a valid email address"),
        ({**MAILBOX_FORM, "address": "support+x@acme.test"}, "has no &#x27;+&#x27;"),
        ({**MAILBOX_FORM, "address": "taken@globex.test"}, "already a mailbox"),
        ({**MAILBOX_FORM, "arrival": "imap"}, "needs its IMAP host and user"),
    ]:
        response = owner_client.post(url("settings_mailboxes", workspace), data)
        assert response.status_code == 422, data
        assert said in response.content.decode()
    assert not Mailbox.objects.filter(workspace=workspace).exists()


def test_an_agent_may_not_change_mailboxes(workspace, agent_client):
    response = agent_client.post(url("settings_mailboxes", workspace), MAILBOX_FORM)
    assert response.status_code == 403
    assert not Mailbox.objects.exists()


def test_the_unplaced_mail_and_an_email_whole(support, agent_client, workspace):
    bad = receive_mail(b"To: support@acme.test\r\nSubject: who?\r\n\r\nHi", via="http", workspace=workspace)
    page = agent_client.get(url("mail", workspace)).content.decode()
    assert "The message has no From header." in page
    assert agent_client.get(url("mail_raw", workspace, bad.message.pk)).status_code == 200

    placed = receive_mail(samples.apple_mail_reply(quoted_marker="[ref:nothing]"), via="http").message
    (image,) = placed.attachments.all()
    page = agent_client.get(url("mail_message", workspace, placed.pk)).content.decode()
    assert f'src="{url("mail_attachment", workspace, image.pk)}"' in page
    assert "alert(1)" not in page and "tracker.test" not in page
    served = agent_client.get(url("mail_attachment", workspace, image.pk))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_another_workspaces_email_and_attachment_are_404(support, workspace, other_workspace):
    from concierge.workspaces.services import add_teammate

    placed = receive_mail(samples.apple_mail_reply(quoted_marker="x"), via="http").message
    (image,) = placed.attachments.all()
    stranger = add_teammate(
        other_workspace, email="s@globex.test", name="S", password="correct-horse-battery"
    )
    client = Client()
    client.force_login(stranger.user)
    assert client.get(url("mail_message", other_workspace, placed.pk)).status_code == 404
    assert client.get(url("mail_attachment", other_workspace, image.pk)).status_code == 404
    assert client.get(url("mail_raw", other_workspace, placed.pk)).status_code == 404


def test_a_teammate_writes_a_new_email_from_the_inbox(support, agent_client, workspace, mailbox, run_tasks):
    inbox = agent_client.get(reverse("web:inbox", args=[workspace.slug])).content.decode()
    assert f'href="{url("mail_new", workspace)}"' in inbox  # the inbox's own way to write one
    response = agent_client.post(
        url("mail_new", workspace),
        {"mailbox": support.pk, "to": "lee@customer.test", "subject": "Hi", "body": "Hello"},
    )
    assert response.status_code == 302
    run_tasks()
    assert len(mailbox.to("lee@customer.test")) == 1
    bad = agent_client.post(
        url("mail_new", workspace), {"mailbox": support.pk, "to": "nope", "subject": "Hi", "body": "x"}
    )
    assert bad.status_code == 422 and "not a valid email address" in bad.content.decode()
    assert MailMessage.objects.filter(direction="out").count() == 1


def test_the_inbox_shows_the_email_parts(support, agent, agent_client, workspace, mailbox, run_tasks):
    mailbox.refused["casey@gmail.test"] = "550 5.1.1 No such user"
    conversation = receive_mail(samples.gmail_first(), via="http").message.conversation
    reply_as_teammate(conversation, agent, "Try again")
    run_tasks()
    page = agent_client.get(url("conversation", workspace, conversation.pk)).content.decode()
    assert "Whole email" in page
    assert "Not delivered: the mail server refused the address (550 5.1.1 No such user)" in page


def test_without_a_mailbox_the_new_email_page_says_to_add_one(agent_client, workspace):
    page = agent_client.get(url("mail_new", workspace))
    assert page.status_code == 200
    assert "No mailbox yet" in page.content.decode()
