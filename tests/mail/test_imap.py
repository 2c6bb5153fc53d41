"""IMAP polling in the worker, against Debian's Dovecot started on a loopback port: each message is
taken once (by UID and Message-ID), across a worker restart, and marked seen."""

import imaplib
import time

import pytest
from django.core.management import call_command

from concierge.conversations.models import Conversation
from concierge.mail.models import Mailbox, MailMessage
from concierge.mail.services.imap import poll_imap_mailbox
from concierge.mail.services.mailboxes import update_mailbox
from tests.mail import samples
from tests.mail.dovecot import INSTALL_HINT, dovecot_is_installed, start_dovecot, stop_dovecot

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes


@pytest.fixture
def imap_server():
    if not dovecot_is_installed():
        pytest.skip(INSTALL_HINT)
    server = start_dovecot()
    try:
        yield server
    finally:
        stop_dovecot(server)


@pytest.fixture
def polled(support, imap_server):
    return update_mailbox(
        support,
        arrival="imap",
        imap_host=imap_server.host,
        imap_port=imap_server.port,
        imap_security="none",
        imap_user=imap_server.user,
        imap_password=imap_server.password,
    )


def deliver(server, *messages: bytes) -> None:
    """Put messages in the server's INBOX with a real IMAP client (APPEND)."""
    with imaplib.IMAP4(server.host, server.port) as client:
        client.login(server.user, server.password)
        for raw in messages:
            client.append("INBOX", None, imaplib.Time2Internaldate(time.time()), raw)
        client.logout()


def seen_flags(server) -> list[bool]:
    with imaplib.IMAP4(server.host, server.port) as client:
        client.login(server.user, server.password)
        client.select("INBOX", readonly=True)
        _, data = client.uid("FETCH", "1:*", "(FLAGS)")
        client.logout()
    return [b"\\Seen" in item for item in data if item]


def test_the_worker_takes_each_message_once_across_a_restart(polled, imap_server):
    deliver(
        imap_server, samples.gmail_first(), samples.plain(message_id="two@client.test", sender="robin@x.test")
    )

    call_command("worker", "--batch", verbosity=0)  # enqueues the recurring poll and runs it
    assert MailMessage.objects.filter(via="imap").count() == 2
    assert Conversation.objects.count() == 2
    assert seen_flags(imap_server) == [True, True]

    call_command("worker", "--batch", verbosity=0)  # a worker started again: nothing new
    assert MailMessage.objects.filter(via="imap").count() == 2

    # A worker that stopped after keeping a message but before noting its UID: the message comes
    # again and is known by its Message-ID.
    Mailbox.objects.filter(pk=polled.pk).update(imap_last_uid=0)
    deliver(imap_server, samples.plain(message_id="three@client.test", sender="lee@x.test"))
    call_command("worker", "--batch", verbosity=0)
    assert MailMessage.objects.filter(via="imap").count() == 3
    assert Conversation.objects.count() == 3
    assert Mailbox.objects.get(pk=polled.pk).imap_last_uid == 3


def test_a_wrong_password_is_shown_on_the_mailbox_not_raised(polled, imap_server):
    update_mailbox(polled, imap_password="wrong")
    call_command("worker", "--batch", verbosity=0)
    assert (
        "AUTHENTICATIONFAILED" in Mailbox.objects.get(pk=polled.pk).imap_last_error
        or Mailbox.objects.get(pk=polled.pk).imap_last_error
    )
    assert not MailMessage.objects.exists()


def test_the_password_is_stored_encrypted(polled, imap_server):
    stored = Mailbox.objects.get(pk=polled.pk).imap_password_encrypted
    assert stored and imap_server.password not in stored
    deliver(imap_server, samples.gmail_first())
    assert poll_imap_mailbox(Mailbox.objects.get(pk=polled.pk)) == 1


@pytest.fixture
def tls_server():
    if not dovecot_is_installed():
        pytest.skip(INSTALL_HINT)
    server = start_dovecot(tls=True)
    try:
        yield server
    finally:
        stop_dovecot(server)


def polled_with(support, server, *, security: str, port: int):
    return update_mailbox(
        support,
        arrival="imap",
        imap_host=server.host,
        imap_port=port,
        imap_security=security,
        imap_user=server.user,
        imap_password=server.password,
    )


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_the_poller_takes_mail_over_imaps_and_starttls_checking_the_certificate(
    support, tls_server, security, monkeypatch
):
    monkeypatch.setenv(
        "SSL_CERT_FILE", str(tls_server.certificate)
    )  # trust the test server's own certificate
    port = tls_server.imaps_port if security == "ssl" else tls_server.port
    mailbox = polled_with(support, tls_server, security=security, port=port)
    deliver(tls_server, samples.gmail_first())
    assert poll_imap_mailbox(mailbox) == 1
    assert MailMessage.objects.get(via="imap").outcome == "placed"
    assert seen_flags(tls_server) == [True]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_a_certificate_not_trusted_is_refused_and_the_mailbox_says_why(support, tls_server, security):
    from concierge.mail.services.imap import poll_every_imap_mailbox

    port = tls_server.imaps_port if security == "ssl" else tls_server.port
    mailbox = polled_with(support, tls_server, security=security, port=port)
    deliver(tls_server, samples.gmail_first())
    assert "1 mailbox(es) failed" in poll_every_imap_mailbox()
    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.imap_last_error
    assert not MailMessage.objects.exists()


def test_starttls_to_a_server_that_does_not_offer_it_is_refused(support, imap_server):
    from concierge.mail.services.imap import poll_every_imap_mailbox

    mailbox = polled_with(support, imap_server, security="starttls", port=imap_server.port)
    deliver(imap_server, samples.gmail_first())
    poll_every_imap_mailbox()
    mailbox.refresh_from_db()
    assert "STARTTLS" in mailbox.imap_last_error
    assert not MailMessage.objects.exists()


def test_imap_without_tls_only_to_a_server_on_this_machine(support):
    from concierge.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="only for a server on this machine"):
        update_mailbox(
            support, arrival="imap", imap_host="imap.acme.test", imap_user="u", imap_security="none"
        )
    for host in ("127.0.0.1", "localhost", "::1"):
        assert update_mailbox(support, imap_host=host, imap_security="none").imap_security == "none"
    with pytest.raises(InvalidInput, match="needs SSL/TLS or STARTTLS"):
        update_mailbox(support, imap_host="10.0.0.5")  # moving the host away keeps the check
    with pytest.raises(InvalidInput, match="imap_security must be one of"):
        update_mailbox(support, imap_security="tls-please")
