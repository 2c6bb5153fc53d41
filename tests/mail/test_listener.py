"""`concierge mail listen`: a real SMTP client (smtplib) sends to the listener on loopback."""

import smtplib
import socket

import pytest

from concierge.conversations.models import Conversation
from concierge.mail.listener import start_listener
from concierge.mail.models import MailMessage
from tests.mail import samples

# The listener takes each message in its own threads and connections, as in production: the test's
# data must be committed for them to see it.
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def listener(support):
    port = free_port()
    controller = start_listener("127.0.0.1", port)
    try:
        yield port
    finally:
        controller.stop()


def test_a_message_sent_with_smtplib_becomes_an_email_conversation(listener):
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        refused = client.sendmail("casey@gmail.test", ["support@acme.test"], samples.gmail_first())
    assert refused == {}
    message = MailMessage.objects.get()
    assert (message.via, message.outcome) == ("listener", "placed")
    assert message.conversation.channel == "email"


def test_a_recipient_no_workspace_owns_is_refused_with_550(listener):
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        client.ehlo()
        code, answer = (
            client.rcpt("nobody@unknown.test") if client.mail("casey@gmail.test")[0] == 250 else (0, b"")
        )
    assert code == 550 and b"No mailbox" in answer
    assert not MailMessage.objects.exists()


def test_the_size_limit_is_announced_and_enforced(listener, settings):
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        client.ehlo()
        assert int(client.esmtp_features["size"]) == settings.MAIL_MAX_MESSAGE_BYTES
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail(
                "casey@gmail.test",
                ["support@acme.test"],
                samples.with_attachment(size=1),
                mail_options=[f"SIZE={settings.MAIL_MAX_MESSAGE_BYTES + 1}"],
            )
    assert refused.value.smtp_code == 552
    assert not Conversation.objects.exists()


def test_a_malformed_message_for_a_known_address_is_kept_unplaced(listener):
    with smtplib.SMTP("127.0.0.1", listener, timeout=10) as client:
        client.sendmail("x@y.test", ["support@acme.test"], b"Subject: no sender\r\n\r\nHello")
    kept = MailMessage.objects.get()
    assert kept.outcome == "unplaced" and kept.mailbox.address == "support@acme.test"
