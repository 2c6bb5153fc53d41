"""Replies out: through the worker, to a real SMTP server on loopback, with retries; a hard failure
shows on the reply in the inbox; the acknowledgement at most once a day per sender; a teammate
starts an email conversation."""

from datetime import timedelta

from django.utils import timezone

from concierge.conversations.models import Conversation, Part
from concierge.conversations.services import reply_as_teammate
from concierge.events.models import Event
from concierge.mail.models import MailMessage
from concierge.mail.services.inbound import receive_mail
from concierge.mail.services.mailboxes import update_mailbox
from concierge.mail.services.outbound import start_email_conversation
from tests.mail import samples


def conversation_from_casey():
    return receive_mail(samples.gmail_first(), via="http").message.conversation


def test_a_refused_recipient_is_a_hard_failure_shown_on_the_reply(support, agent, mailbox, run_tasks):
    mailbox.refused["casey@gmail.test"] = "550 5.1.1 No such user"
    conversation = conversation_from_casey()
    part = reply_as_teammate(conversation, agent, "Try again now")
    run_tasks()
    sent = MailMessage.objects.get(direction="out", part=part)
    assert sent.outcome == "failed" and "550" in sent.reason
    part.refresh_from_db()
    assert part.data["delivery"]["status"] == "failed"
    assert "550 5.1.1 No such user" in part.data["delivery"]["detail"]


def test_a_passing_failure_is_tried_again_and_then_sent(support, agent, mailbox, run_tasks):
    mailbox.refused["casey@gmail.test"] = "451 4.3.0 Try later"
    part = reply_as_teammate(conversation_from_casey(), agent, "Try again now")
    outcomes = run_tasks()
    assert any(str(o).startswith("retry queued") for o in outcomes)
    assert MailMessage.objects.get(direction="out", part=part).outcome == "pending"
    del mailbox.refused["casey@gmail.test"]
    assert run_tasks(include_later=True) == ["sent"]
    sent = MailMessage.objects.get(direction="out", part=part)
    assert (sent.outcome, sent.attempts) == ("sent", 2)
    assert len(mailbox.to("casey@gmail.test")) == 1
    part.refresh_from_db()
    assert part.data["delivery"]["status"] == "sent"


def test_sending_twice_sends_once(support, agent, mailbox, run_tasks):
    from concierge.mail.services.outbound import send_mail_message

    part = reply_as_teammate(conversation_from_casey(), agent, "Once")
    run_tasks()
    sent = MailMessage.objects.get(direction="out", part=part)
    assert send_mail_message(sent.pk, max_attempts=5) == "nothing to send"
    assert len(mailbox.to("casey@gmail.test")) == 1


def test_the_acknowledgement_goes_at_most_once_a_day_per_sender(support, owner, mailbox, run_tasks):
    update_mailbox(support, auto_ack_enabled=True, auto_ack_text="We got it.")
    receive_mail(samples.gmail_first(), via="http")
    receive_mail(samples.gmail_first(message_id="second-topic@mail.gmail.com", subject="Other"), via="http")
    run_tasks()
    (ack,) = mailbox.to("casey@gmail.test")
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<CAF8x2Q0first@mail.gmail.com>"
    assert "We got it." in ack.get_body(("plain",)).get_content()
    # A day later the same sender is acknowledged again.
    MailMessage.objects.filter(via="auto_ack").update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    receive_mail(samples.gmail_first(message_id="third@mail.gmail.com", subject="Third"), via="http")
    run_tasks()
    assert len(mailbox.to("casey@gmail.test")) == 2


def test_an_acknowledgement_coming_back_as_an_auto_reply_starts_nothing(support):
    looped = samples.plain(sender="support@acme.test", message_id="loop@acme.test")
    assert receive_mail(looped, via="http").message.outcome == "auto_reply"
    assert not Conversation.objects.exists()


def test_a_teammate_starts_an_email_conversation(support, agent, mailbox, run_tasks):
    conversation = start_email_conversation(
        support.workspace,
        teammate=agent,
        mailbox=support,
        to_address="Lee@Customer.test",
        subject="Your renewal",
        body="Hi Lee, **your plan** renews next week.",
    )
    run_tasks()
    assert (conversation.channel, conversation.initiator) == ("email", "teammate")
    assert conversation.contact.email == "lee@customer.test"
    (sent,) = mailbox.to("lee@customer.test")
    assert (
        sent["Subject"] == "Your renewal"
        and "<strong>your plan</strong>" in sent.get_body(("html",)).get_content()
    )
    started = Event.objects.get(type="conversation.started")
    assert (started.data["channel"], started.data["initiator"]) == ("email", "teammate")
    reply = receive_mail(
        samples.plain(
            sender="lee@customer.test",
            subject="Re: Your renewal",
            message_id="lee-1@customer.test",
            extra_headers=f"In-Reply-To: {sent['Message-ID']}\n",
        ),
        via="http",
    ).message
    assert reply.conversation == conversation
    assert Part.objects.filter(conversation=conversation, author_type="contact").count() == 1


def test_starting_an_email_to_a_bad_address_writes_nothing(support, agent):
    import pytest

    from concierge.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="not a valid email address"):
        start_email_conversation(
            support.workspace, teammate=agent, mailbox=support, to_address="nope", subject="x", body="y"
        )
    assert not Conversation.objects.exists() and not MailMessage.objects.exists()
