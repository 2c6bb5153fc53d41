"""The demo's email conversations came through Acme's mailbox: each has its thread, its messages
were received and sent as real emails, and a reply written today goes out threaded (and the
history's replies are not sent again when the worker starts)."""

from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import reply_as_teammate
from concierge.demo.seed import DEMO_MAILBOX, seed_demo_workspace
from concierge.mail.models import MailMessage, MailThread
from concierge.mail.parsing import MARKER

SMALL = {"contacts": 25, "conversations": 40, "sessions": 0}


def test_every_email_conversation_of_the_demo_has_its_thread_and_a_reply_is_sent_threaded(
    db, mailbox, run_tasks
):
    workspace = seed_demo_workspace(**SMALL).workspace
    by_email = Conversation.objects.filter(workspace=workspace, channel="email")
    assert by_email.count() >= 5
    assert by_email.count() < Conversation.objects.filter(workspace=workspace).count()  # not every one
    threads = MailThread.objects.filter(workspace=workspace)
    assert set(threads.values_list("conversation_id", flat=True)) == set(
        by_email.values_list("pk", flat=True)
    )
    assert {t.mailbox.address for t in threads} == {DEMO_MAILBOX}
    for conversation in by_email:
        thread = conversation.mail_thread
        assert thread.customer_address == conversation.contact.email
        messages = MailMessage.objects.filter(workspace=workspace, conversation=conversation)
        comments = conversation.parts.filter(kind="comment")
        # Every message of the conversation is an email, received or sent, with its Message-ID.
        assert set(messages.exclude(part=None).values_list("part_id", flat=True)) == set(
            comments.values_list("pk", flat=True)
        )
        assert all(m.message_id for m in messages)
        assert not messages.filter(outcome="pending").exists()
        for part in comments.filter(author_type="contact"):
            assert "wrote:" not in part.body  # the quoted history cut from what the inbox shows

    # The worker starts: the history's replies were sent long ago, nothing goes out again.
    run_tasks()
    assert [m for m in mailbox.messages if DEMO_MAILBOX in str(m["From"])] == []

    conversation = by_email.order_by("-last_activity_at").first()
    last_id = (
        MailMessage.objects.filter(conversation=conversation).order_by("created_at", "id").last().message_id
    )
    teammate = workspace.teammates.filter(role="owner").get()
    part = reply_as_teammate(conversation, teammate, "Checking in on this one.")
    run_tasks()
    (email,) = mailbox.to(conversation.contact.email)
    assert email["In-Reply-To"] == f"<{last_id}>"
    assert f"<{last_id}>" in email["References"]
    assert email["From"].addresses[0].addr_spec == DEMO_MAILBOX
    assert MARKER.search(email.get_body(preferencelist=("plain",)).get_content())
    part.refresh_from_db()
    assert part.data["delivery"]["status"] == "sent"
    assert Part.objects.filter(conversation=conversation, kind="comment").count() >= 2
