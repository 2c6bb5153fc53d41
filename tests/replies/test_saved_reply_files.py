"""A saved reply's files go with the reply it is sent in: attached to the email in an email
conversation (through the real SMTP server on loopback), as signed links under the message
elsewhere, opened by the customer without signing in; a forged link or a file removed since is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from concierge.conversations.models import Part
from concierge.conversations.services import start_conversation
from concierge.mail.services.inbound import receive_mail
from concierge.replies.services.saved_replies import (
    SavedReplyInput,
    add_attachment,
    create_saved_reply,
    remove_attachment,
    send_saved_reply,
)
from tests.mail import samples

GUIDE = b"%PDF-1.4 the setup guide"


@pytest.fixture
def guide_reply(workspace, owner):
    reply = create_saved_reply(
        workspace, SavedReplyInput("Setup guide", {"en": "Here is our guide."}), owner=owner
    )
    add_attachment(reply, SimpleUploadedFile("setup-guide.pdf", GUIDE), teammate=owner)
    return reply


def signed_in(teammate) -> Client:
    client = Client()
    client.force_login(teammate.user)
    return client


def link_in(part: Part) -> str:
    start = part.body.index('href="') + len('href="')
    return part.body[start : part.body.index('"', start)]


@pytest.mark.django_db
def test_in_the_messenger_the_files_are_links_the_customer_opens_and_a_forged_one_is_refused(
    workspace, owner, contact, guide_reply
):
    conversation = start_conversation(workspace, contact=contact, body="How do I set it up?")
    sent = signed_in(owner).post(
        f"/w/acme/inbox/{conversation.pk}/reply/",
        {"body": "Here is our guide.", "saved_reply": guide_reply.pk},
    )
    assert sent.status_code == 302
    part = Part.objects.get(conversation=conversation, author_type="teammate", kind="comment")
    assert "setup-guide.pdf" in part.body and "Here is our guide." in part.body
    link = link_in(part)
    assert link.startswith("/files/saved-replies/")

    opened = Client().get(link)  # the customer: nobody signed in
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == GUIDE
    assert 'filename="setup-guide.pdf"' in opened["Content-Disposition"]

    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert Client().get(forged).status_code == 404
    assert Client().get("/files/saved-replies/" + "x" * 400 + "/").status_code == 404

    remove_attachment(guide_reply.attachments.get(), teammate=owner)
    assert Client().get(link).status_code == 404  # no longer shared


@pytest.mark.django_db
def test_a_note_with_a_saved_reply_carries_no_files(workspace, owner, contact, guide_reply):
    conversation = start_conversation(workspace, contact=contact, body="How do I set it up?")
    part = send_saved_reply(conversation, guide_reply, teammate=owner, as_note=True)
    assert "setup-guide.pdf" not in part.body and "attachments" not in part.data


@pytest.mark.django_db
def test_in_an_email_conversation_the_files_go_out_attached_to_the_email(
    support, workspace, owner, guide_reply, mailbox, run_tasks
):
    conversation = receive_mail(samples.gmail_first(), via="http").message.conversation
    part = send_saved_reply(conversation, guide_reply, teammate=owner)
    assert [a["name"] for a in part.data["attachments"]] == ["setup-guide.pdf"]
    assert "/files/saved-replies/" not in part.body  # attached, not linked
    run_tasks()
    (email,) = mailbox.messages
    files = {a.get_filename(): a.get_content() for a in email.iter_attachments()}
    assert files == {"setup-guide.pdf": GUIDE}
