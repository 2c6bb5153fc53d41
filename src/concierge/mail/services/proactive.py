"""A proactive message sent as an email: composed once, kept and queued like every email Concierge
sends, so the worker sends it with the same retries (mail.services.outbound.send_mail_message).

It goes out from the workspace's first mailbox, so a reply to it lands in the inbox as a new
conversation; a workspace without a mailbox sends from the server's address. It is not part of a
conversation. The caller (outbound) queues it inside the transaction that marks its delivery sent:
the delivery, the `outbound.sent` event and this email are made together or not at all.
"""

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from concierge.core.queue import enqueue_with_change
from concierge.core.text import message_text
from concierge.mail import selectors
from concierge.mail.composing import Outgoing, compose, new_message_id
from concierge.mail.models import MailMessage
from concierge.mail.services.files import files_kept_only_on_success
from concierge.workspaces.models import Teammate, Workspace

Outcome = MailMessage.Outcome
SERVER_ADDRESS = "support@concierge.localhost"


def queue_proactive_email(
    workspace: Workspace,
    *,
    to_address: str,
    subject: str,
    body_html: str,
    sender: Teammate | None,
    unsubscribe_url: str,
    at: datetime | None = None,
    replayed: bool = False,
) -> MailMessage:
    """Compose, keep and queue one proactive email (body_html: safe HTML, its links and open pixel
    already in place). Must run inside the transaction of the delivery it carries. A `replayed` one
    (history, the demo) is kept as sent at `at` and never sent now."""
    from concierge.mail.tasks import send_mail_message_task

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_proactive_email must run inside the transaction of its delivery")
    from_address, team = _sending_address(workspace)
    outgoing = Outgoing(
        from_name=f"{sender.name} from {team}" if sender and sender.name else team,
        from_address=from_address,
        to=[to_address],
        reply_to=from_address,
        subject=subject,
        body_html=body_html,
        list_unsubscribe=unsubscribe_url,
    )
    message_id = new_message_id(from_address.rpartition("@")[2])
    raw = compose(outgoing, message_id)
    with files_kept_only_on_success() as files:
        message = MailMessage.objects.create(
            workspace_id=workspace.pk,
            mailbox=_first_mailbox(workspace),
            direction=MailMessage.Direction.OUT,
            via=MailMessage.Via.PROACTIVE,
            message_id=message_id,
            from_address=from_address,
            from_name=outgoing.from_name[:190],
            to_addresses=to_address,
            subject=subject[:255],
            raw=files.save("raw", ".eml", raw),
            size=len(raw),
            html=body_html,
            text=message_text(body_html),
            outcome=Outcome.SENT if replayed else Outcome.PENDING,
            created_at=at or timezone.now(),
            sent_at=at if replayed else None,
        )
        if not replayed:
            enqueue_with_change(send_mail_message_task, message.pk)
    return message


def _first_mailbox(workspace: Workspace):
    return selectors.mailboxes(workspace).first()


def _sending_address(workspace: Workspace) -> tuple[str, str]:
    """The address a proactive email comes from and the team's name it carries."""
    mailbox = _first_mailbox(workspace)
    if mailbox is not None:
        return mailbox.address, mailbox.sender_name or workspace.name
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or SERVER_ADDRESS, workspace.name
