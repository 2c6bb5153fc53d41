"""The SMTP listener (aiosmtpd): accepts mail for the workspaces' addresses and hands each message to
the one parser (services.inbound). A recipient no workspace owns is refused at RCPT with 550, so the
sending server bounces it to its sender; the size limit is announced in EHLO (SIZE) and enforced."""

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import connection

from concierge.core.errors import NotFound
from concierge.mail import selectors
from concierge.mail.models import MailMessage
from concierge.mail.services.inbound import MailTooBig, receive_mail

logger = logging.getLogger("concierge.mail")


def _with_fresh_connection(work, *args):
    """Runs in one of the event loop's threads (the ORM is synchronous). The connection is closed
    when done: the loop's threads outlive no message, so a connection left open would be left behind
    when the listener stops."""
    try:
        return work(*args)
    finally:
        connection.close()


def _mailbox_workspace_of(address: str) -> int | None:
    mailbox = selectors.mailbox_for_addresses([address])
    return mailbox.workspace_id if mailbox else None


def _receive_for_each_workspace(raw: bytes, recipients: list[str]) -> list[str]:
    """One copy per workspace among the recipients (each workspace keeps its own)."""
    by_workspace: dict[int, list[str]] = {}
    for address in recipients:
        workspace_id = _mailbox_workspace_of(address)
        if workspace_id is not None:
            by_workspace.setdefault(workspace_id, []).append(address)
    outcomes = []
    for addresses in by_workspace.values():
        received = receive_mail(raw, via=MailMessage.Via.LISTENER, recipients=addresses)
        outcomes.append("duplicate" if received.duplicate else received.message.outcome)
    return outcomes


class MailboxHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        workspace_id = await asyncio.to_thread(_with_fresh_connection, _mailbox_workspace_of, address)
        if workspace_id is None:
            return "550 5.1.1 No mailbox here by that address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        try:
            outcomes = await asyncio.to_thread(
                _with_fresh_connection, _receive_for_each_workspace, raw, list(envelope.rcpt_tos)
            )
        except MailTooBig as error:
            return f"552 5.3.4 {error.message}"
        except NotFound as error:
            return f"550 5.1.1 {error.message}"
        except Exception:
            logger.exception("A message to %s could not be kept", ", ".join(envelope.rcpt_tos))
            return "451 4.3.0 The message could not be kept; try again later"
        return f"250 2.0.0 Message accepted ({', '.join(outcomes) or 'kept'})"


class MailController(Controller):
    def factory(self):
        return SMTP(
            self.handler,
            data_size_limit=settings.MAIL_MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            hostname=self.hostname,
            ident="Concierge",
        )


def start_listener(host: str, port: int) -> MailController:
    controller = MailController(MailboxHandler(), hostname=host, port=port)
    controller.start()
    return controller
