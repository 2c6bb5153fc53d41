"""Polling the mailboxes whose mail Concierge takes over IMAP (the worker, every minute). Each
message is taken once: by its UID (the last one taken is kept with the mailbox, in the transaction
that keeps the message), and by its Message-ID should the same message come again (a worker that
stopped between the two, a folder whose UIDVALIDITY changed). A taken message is marked seen."""

import contextlib
import imaplib
import logging
import re
import ssl

from django.db import transaction

from concierge.core.errors import ServiceError
from concierge.mail import selectors
from concierge.mail.credentials import decrypt_password
from concierge.mail.models import Mailbox, MailMessage
from concierge.mail.services.inbound import MailTooBig, receive_mail
from concierge.mail.services.mailboxes import is_loopback_host, record_imap_error, record_imap_progress

logger = logging.getLogger("concierge.mail")
UID_VALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
BATCH = 200
TIMEOUT_SECONDS = 30


def poll_every_imap_mailbox() -> str:
    taken, failed = 0, 0
    for mailbox in selectors.imap_mailboxes():
        try:
            taken += poll_imap_mailbox(mailbox)
        except (imaplib.IMAP4.error, OSError, ServiceError) as error:
            failed += 1
            logger.warning("IMAP mailbox %s could not be polled: %s", mailbox.address, error)
            record_imap_error(mailbox, f"{type(error).__name__}: {error}")
    return f"{taken} message(s) taken" + (f", {failed} mailbox(es) failed" if failed else "")


def poll_imap_mailbox(mailbox: Mailbox, *, batch: int = BATCH) -> int:
    """Take the mailbox's new messages (at most `batch`); returns how many were taken."""
    password = decrypt_password(mailbox.imap_password_encrypted)
    with _connected(mailbox) as client:
        client.login(mailbox.imap_user, password)
        status, _ = client.select(_quoted(mailbox.imap_folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"the folder {mailbox.imap_folder} could not be opened")
        uid_validity = _uid_validity(client)
        after = mailbox.imap_last_uid if mailbox.imap_uid_validity == uid_validity else 0
        taken = 0
        for uid in _uids_after(client, after)[:batch]:
            _take(client, mailbox, uid, uid_validity)
            taken += 1
        if taken == 0:
            record_imap_progress(mailbox, uid_validity=uid_validity, last_uid=after)
        client.logout()
    return taken


def _connected(mailbox: Mailbox) -> imaplib.IMAP4:
    """A connection as the mailbox says: SSL/TLS from the first byte (IMAPS), or plain then STARTTLS
    (refused when the server does not offer it), each checking the server's certificate and name;
    or plain, only to a server on this machine."""
    security = mailbox.imap_security
    if security == Mailbox.Security.SSL:
        return imaplib.IMAP4_SSL(
            mailbox.imap_host,
            mailbox.imap_port,
            ssl_context=ssl.create_default_context(),
            timeout=TIMEOUT_SECONDS,
        )
    if security == Mailbox.Security.NONE and not is_loopback_host(mailbox.imap_host):
        raise imaplib.IMAP4.error("IMAP without TLS is only for a server on this machine")
    client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT_SECONDS)
    if security == Mailbox.Security.STARTTLS:
        try:
            if "STARTTLS" not in client.capabilities:
                raise imaplib.IMAP4.error("the server does not offer STARTTLS")
            client.starttls(ssl_context=ssl.create_default_context())
        except BaseException:
            with contextlib.suppress(OSError):  # the socket may be gone already; the first error says why
                client.shutdown()
            raise
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uid_validity(client: imaplib.IMAP4) -> int:
    found = client.untagged_responses.get("UIDVALIDITY") or []
    if found:
        return int(found[-1])
    raise imaplib.IMAP4.error("the server did not say the folder's UIDVALIDITY")


def _uids_after(client: imaplib.IMAP4, after: int) -> list[int]:
    status, data = client.uid("SEARCH", None, f"UID {after + 1}:*")
    if status != "OK":
        raise imaplib.IMAP4.error("the server refused to list the messages")
    # "n:*" always matches the last message, even when its UID is below n.
    return sorted(uid for uid in (int(x) for x in (data[0] or b"").split()) if uid > after)


def _take(client: imaplib.IMAP4, mailbox: Mailbox, uid: int, uid_validity: int) -> None:
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    raw = next((item[1] for item in data or [] if isinstance(item, tuple)), None)
    if status != "OK" or raw is None:
        raise imaplib.IMAP4.error(f"message UID {uid} could not be fetched")
    with transaction.atomic():
        try:
            receive_mail(raw, via=MailMessage.Via.IMAP, mailbox=mailbox, imap_uid=uid)
        except MailTooBig as error:
            logger.warning(
                "IMAP mailbox %s: UID %d left in the folder: %s", mailbox.address, uid, error.message
            )
        record_imap_progress(mailbox, uid_validity=uid_validity, last_uid=uid)
    mailbox.imap_uid_validity, mailbox.imap_last_uid = uid_validity, uid
    client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
