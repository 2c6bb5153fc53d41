"""A teammate's messenger reply the customer has not seen goes to them by email, once, after the
delay, with every other unseen reply in the same email and a link to the conversation's page; never
when they saw it, never for a note, never for an email conversation (the email channel sends those),
never twice, even when the task runs again."""

import re

import pytest
from django.test import Client

from concierge.conversations.services import (
    add_note,
    mark_seen_by_contact,
    reply_as_contact,
    reply_as_teammate,
    start_conversation,
)
from concierge.mail.models import MailMessage
from concierge.mail.services.inbound import receive_mail
from concierge.mail.services.offline import conversation_link, email_unseen_replies
from tests.mail import samples

CASEY = "casey@customer.test"


@pytest.fixture
def conversation(workspace, contact):
    return start_conversation(workspace, contact=contact, body="Can I export to CSV?", subject="Export")


def _link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://\S+/messenger/acme/c/\S+/", text).group(0)


def test_unseen_replies_go_by_email_once_after_the_delay_in_one_email(
    conversation, agent, mailbox, run_tasks, settings
):
    settings.PUBLIC_URL = "http://support.acme.test"
    reply_as_teammate(conversation, agent, "Yes: **Export** → CSV.")
    reply_as_teammate(conversation, agent, "And it keeps your filters.")
    add_note(conversation, agent, "Internal: they are on the old plan")
    run_tasks()
    assert mailbox.to(CASEY) == []  # not before the delay
    assert MailMessage.objects.filter(via="offline").count() == 0

    run_tasks(include_later=True)
    (email,) = mailbox.to(CASEY)
    assert "Acme Support" in email["Subject"] and "Export" in email["Subject"]
    assert "Avery Agent" in email["From"]
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Export" in text and "keeps your filters" in text
    assert "Internal" not in text
    assert _link_in(email).startswith("http://support.acme.test/messenger/acme/c/")
    stored = MailMessage.objects.get(via="offline")
    assert stored.outcome == "sent" and stored.to_addresses == CASEY

    run_tasks(include_later=True)
    assert len(mailbox.to(CASEY)) == 1


def test_nothing_is_sent_when_the_customer_saw_the_reply(conversation, agent, mailbox, run_tasks):
    reply_as_teammate(conversation, agent, "Yes, from the Export menu.")
    mark_seen_by_contact(conversation)
    run_tasks(include_later=True)
    assert mailbox.to(CASEY) == []
    assert not MailMessage.objects.filter(via="offline").exists()


def test_a_reply_of_the_customer_counts_as_seen(conversation, agent, mailbox, run_tasks):
    reply_as_teammate(conversation, agent, "Yes, from the Export menu.")
    reply_as_contact(conversation, "Great, found it")
    run_tasks(include_later=True)
    assert mailbox.to(CASEY) == []


def test_a_note_alone_is_never_emailed(conversation, agent, mailbox, run_tasks):
    add_note(conversation, agent, "Check the plan")
    run_tasks(include_later=True)
    assert mailbox.to(CASEY) == []


def test_a_later_unseen_reply_goes_in_a_new_email_without_the_earlier_one(
    conversation, agent, mailbox, run_tasks
):
    reply_as_teammate(conversation, agent, "First answer")
    run_tasks(include_later=True)
    reply_as_teammate(conversation, agent, "Second answer")
    run_tasks(include_later=True)
    first, second = mailbox.to(CASEY)
    text = second.get_body(preferencelist=("plain",)).get_content()
    assert "Second answer" in text and "First answer" not in text


def test_a_task_run_twice_sends_once(conversation, agent, mailbox, run_tasks):
    part = reply_as_teammate(conversation, agent, "Only once")
    assert email_unseen_replies(part.pk).startswith("queued")
    assert email_unseen_replies(part.pk) == "seen, or emailed already"
    run_tasks(include_later=True)  # the scheduled run finds it done
    assert len(mailbox.to(CASEY)) == 1
    assert MailMessage.objects.filter(via="offline").count() == 1


def test_a_contact_without_an_email_address_gets_nothing(workspace, agent, mailbox, run_tasks):
    from concierge.contacts.services import contact_for_visitor

    lead = contact_for_visitor(workspace, "visitor-7")
    conversation = start_conversation(workspace, contact=lead, body="Hello?")
    reply_as_teammate(conversation, agent, "Hi!")
    run_tasks(include_later=True)
    assert mailbox.messages == [] and not MailMessage.objects.filter(via="offline").exists()


def test_an_email_conversation_gets_its_reply_once_by_the_email_channel(support, agent, mailbox, run_tasks):
    conversation = receive_mail(samples.gmail_first(), via="http").message.conversation
    reply_as_teammate(conversation, agent, "Here is your answer")
    run_tasks(include_later=True)
    assert len(mailbox.to("casey@gmail.test")) == 1
    assert not MailMessage.objects.filter(via="offline").exists()


# ---------- The conversation's page from the email ----------


def test_the_link_opens_the_conversation_marks_it_seen_and_takes_a_reply(conversation, agent):
    reply_as_teammate(conversation, agent, "Yes, from the Export menu.")
    add_note(conversation, agent, "Internal remark")
    path = conversation_link(conversation).split("://", 1)[1].split("/", 1)[1]
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/{path}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Export menu" in html and "Can I export to CSV?" in html and "Internal remark" not in html
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    conversation.refresh_from_db()
    assert conversation.contact_seen_at is not None

    token = browser.cookies["csrftoken"].value
    sent = browser.post(
        f"/{path}", {"body": "Thanks, <script>alert(1)</script>works", "csrfmiddlewaretoken": token}
    )
    assert sent.status_code == 302
    last = conversation.parts.order_by("-id").first()
    assert last.author_type == "contact" and "<script>" not in last.body
    assert "<script>alert(1)" not in browser.get(f"/{path}").content.decode()

    empty = browser.post(f"/{path}", {"body": "", "csrfmiddlewaretoken": token})
    assert empty.status_code == 422 and 'role="alert"' in empty.content.decode()


def test_a_forged_or_foreign_link_is_a_404(conversation, other_workspace):
    path = conversation_link(conversation).split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get(f"/{path}").status_code == 200
    assert client.get(f"/{path.replace('/acme/', '/globex/')}").status_code == 404
    assert client.get("/messenger/acme/c/forged-token/").status_code == 404
    token = path.split("/c/")[1].rstrip("/")
    assert client.get(f"/messenger/acme/c/{token[:-2]}xx/").status_code == 404
    assert client.get("/messenger/nowhere/c/x/").status_code == 404
    assert client.get(f"/messenger/acme/c/{'a' * 1000}/").status_code == 404
