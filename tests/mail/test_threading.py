"""From a message to a conversation: a thread of five messages from Gmail-, Outlook- and Apple-Mail-
shaped samples lands in one conversation, threaded by headers, the plus address and the hidden
marker; a different sender with the same subject starts their own."""

from email.utils import parseaddr

from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import add_note, reply_as_teammate
from concierge.events.models import Event
from concierge.mail.models import MailMessage, MailThread
from concierge.mail.services.inbound import receive_mail
from tests.mail import samples


def received(raw: bytes, **kwargs):
    return receive_mail(raw, via="http", **kwargs).message


def test_a_five_message_thread_from_three_mail_clients_lands_in_one_conversation(
    support, agent, mailbox, run_tasks
):
    first = received(samples.gmail_first())
    conversation = first.conversation
    assert first.outcome == "placed"
    assert conversation.channel == "email"
    assert conversation.subject == "Export fails on large files"
    assert conversation.contact.email == "casey@gmail.test"
    assert conversation.contact.name == "Casey Customer"
    thread = MailThread.objects.get(conversation=conversation)

    reply_as_teammate(conversation, agent, "Hi Casey, the export has no limit; try the new button.")
    run_tasks()
    (sent,) = mailbox.to("casey@gmail.test")
    our_id = sent["Message-ID"].strip("<>")
    assert parseaddr(sent["From"]) == ("Avery Agent from Acme Support", "support@acme.test")
    assert sent["In-Reply-To"] == "<CAF8x2Q0first@mail.gmail.com>"
    assert sent["References"] == "<CAF8x2Q0first@mail.gmail.com>"
    assert sent["Subject"] == "Re: Export fails on large files"
    assert parseaddr(sent["Reply-To"])[1] == f"support+{thread.token}@acme.test"
    assert our_id.endswith("@acme.test")
    text = sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert "the export has no limit" in text and "The Acme team" in text
    assert "the export has no limit" in html and f"[ref:{thread.token}]" in html

    second = received(
        samples.gmail_reply(replying_to=our_id, references=["CAF8x2Q0first@mail.gmail.com", our_id])
    )
    assert second.conversation == conversation
    assert second.reason.startswith("Threaded by In-Reply-To")
    assert second.part.body == "<p>That worked, thank you! One more thing: can I schedule it?</p>"

    third = received(samples.outlook_reply(to=f"Acme Support <support+{thread.token}@acme.test>"))
    assert third.conversation == conversation
    assert third.reason.startswith("Threaded by the plus address")
    assert third.part.data["participant"]["name"] == "Dana Ops"
    assert "From: Avery Agent" not in third.part.body and "scheduling would help" in third.part.body

    fourth = received(samples.apple_mail_reply(quoted_marker=f"[ref:{thread.token}]"))
    assert fourth.conversation == conversation
    assert fourth.reason.startswith("Threaded by the marker")
    assert fourth.part.body == "<p>Here is the screenshot of the schedule screen.</p>"
    (image,) = fourth.attachments.all()
    assert (image.filename, image.content_type, image.inline) == ("screenshot.png", "image/png", True)
    assert fourth.part.data["attachments"][0]["id"] == image.pk
    assert "<script" not in fourth.html and "tracker.test" not in fourth.html
    assert 'src="cid:B1C2D3E4-screenshot@apple.test"' in fourth.html

    messages = Part.objects.filter(conversation=conversation, kind="comment")
    assert [p.author_type for p in messages] == ["contact", "teammate", "contact", "contact", "contact"]
    assert Conversation.objects.filter(workspace=support.workspace).count() == 1
    started = Event.objects.filter(workspace=support.workspace, type="conversation.started").get()
    assert started.data["channel"] == "email"


def test_a_different_sender_with_the_same_subject_starts_their_own_conversation(support):
    casey = received(samples.gmail_first())
    other = received(
        samples.gmail_first(sender="Robin Other <robin@elsewhere.test>", message_id="CAother@mail.gmail.com")
    )
    assert other.conversation != casey.conversation
    assert other.conversation.contact.email == "robin@elsewhere.test"
    # A reply that names no known Message-ID, token or marker is not threaded by its subject either.
    reply = received(
        samples.plain(
            sender="robin@elsewhere.test",
            subject="Re: Export fails on large files",
            message_id="robin-2@elsewhere.test",
        )
    )
    assert reply.conversation not in (casey.conversation, other.conversation)


def test_a_note_is_never_emailed_and_a_messenger_reply_neither(support, agent, contact, mailbox, run_tasks):
    conversation = received(samples.gmail_first()).conversation
    add_note(conversation, agent, "Internal: check their plan")
    from concierge.conversations.services import start_conversation

    chat = start_conversation(support.workspace, contact=contact, body="Hi from the messenger")
    reply_as_teammate(chat, agent, "Hello on chat")
    run_tasks()
    assert mailbox.messages == []
    assert not MailMessage.objects.filter(direction="out").exists()
