"""Reads of the email channel, each scoped to a workspace first (but finding the mailbox an incoming
message is for, which is how a message finds its workspace)."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from concierge.conversations.models import Conversation
from concierge.mail.models import MailAttachment, Mailbox, MailMessage, MailThread
from concierge.mail.parsing import address_without_plus
from concierge.workspaces.models import Workspace


def mailbox_for_addresses(addresses: Iterable[str], *, workspace: Workspace | None = None) -> Mailbox | None:
    """The mailbox one of these addresses (plus-addressed or not) belongs to; within `workspace` when
    given. Addresses are unique across workspaces, so at most one workspace answers."""
    candidates = {address_without_plus(address) for address in addresses if "@" in address}
    if not candidates:
        return None
    mailboxes = Mailbox.objects.filter(address__in=candidates).select_related("workspace", "default_team")
    if workspace is not None:
        mailboxes = mailboxes.filter(workspace=workspace)
    return mailboxes.order_by("id").first()


def is_a_mailbox_address(address: str) -> bool:
    return Mailbox.objects.filter(address=address_without_plus(address)).exists()


def mailboxes(workspace: Workspace) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(workspace=workspace).select_related("default_team")


def mailbox_by_id(workspace: Workspace, mailbox_id: int) -> Mailbox:
    found = Mailbox.objects.filter(workspace=workspace, pk=mailbox_id).first()
    if found is None:
        raise Http404("No such mailbox.")
    return found


def imap_mailboxes() -> QuerySet[Mailbox]:
    """Every workspace's mailboxes that Concierge polls (the worker's sweep)."""
    return Mailbox.objects.filter(arrival=Mailbox.Arrival.IMAP).exclude(imap_host="").order_by("id")


def received_message(workspace: Workspace, message_id: str) -> MailMessage | None:
    if not message_id:
        return None
    return MailMessage.objects.filter(
        workspace=workspace, direction=MailMessage.Direction.IN, message_id=message_id
    ).first()


def conversation_answered_by(workspace: Workspace, message_ids: list[str]) -> Conversation | None:
    """The conversation of the nearest of these Message-IDs that Concierge sent or received."""
    if not message_ids:
        return None
    known = dict(
        MailMessage.objects.filter(
            workspace=workspace, message_id__in=message_ids[:100], conversation__isnull=False
        ).values_list("message_id", "conversation_id")
    )
    for message_id in message_ids:
        if message_id in known:
            return Conversation.objects.filter(workspace=workspace, pk=known[message_id]).first()
    return None


def thread_by_token(workspace: Workspace, token: str) -> MailThread | None:
    if not token:
        return None
    return MailThread.objects.filter(workspace=workspace, token=token).select_related("conversation").first()


def thread_of_conversation(workspace: Workspace, conversation_id: int) -> MailThread | None:
    return (
        MailThread.objects.filter(workspace=workspace, conversation_id=conversation_id)
        .select_related("mailbox", "conversation", "conversation__contact")
        .first()
    )


def thread_message_ids(workspace: Workspace, conversation_id: int) -> list[str]:
    """Every Message-ID of the conversation, oldest first: the References of the next reply."""
    return list(
        MailMessage.objects.filter(workspace=workspace, conversation_id=conversation_id)
        .exclude(message_id="")
        .exclude(outcome__in=[MailMessage.Outcome.AUTO_REPLY, MailMessage.Outcome.BOUNCE])
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )


def last_received_in(workspace: Workspace, conversation_id: int) -> MailMessage | None:
    return (
        MailMessage.objects.filter(
            workspace=workspace,
            conversation_id=conversation_id,
            direction=MailMessage.Direction.IN,
            outcome=MailMessage.Outcome.PLACED,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def acknowledged_since(mailbox: Mailbox, address: str, since: datetime) -> bool:
    return MailMessage.objects.filter(
        mailbox=mailbox, via=MailMessage.Via.AUTO_ACK, to_addresses=address, created_at__gte=since
    ).exists()


def unplaced_messages(workspace: Workspace) -> QuerySet[MailMessage]:
    """What came in and could not be placed, or was only recorded (auto-replies, bounces): newest first."""
    return MailMessage.objects.filter(
        workspace=workspace,
        direction=MailMessage.Direction.IN,
        outcome__in=[
            MailMessage.Outcome.UNPLACED,
            MailMessage.Outcome.AUTO_REPLY,
            MailMessage.Outcome.BOUNCE,
        ],
    ).select_related("mailbox")


def message_by_id(workspace: Workspace, message_pk: int) -> MailMessage:
    found = (
        MailMessage.objects.filter(workspace=workspace, pk=message_pk)
        .select_related("mailbox", "conversation")
        .first()
    )
    if found is None:
        raise Http404("No such email.")
    return found


def attachment_by_id(workspace: Workspace, attachment_pk: int) -> MailAttachment:
    found = MailAttachment.objects.filter(workspace=workspace, pk=attachment_pk).first()
    if found is None:
        raise Http404("No such attachment.")
    return found


def message_of_part(workspace: Workspace, part_id: int) -> MailMessage | None:
    return MailMessage.objects.filter(workspace=workspace, part_id=part_id).order_by("-id").first()


def reply_attachments(workspace: Workspace, attachment_ids: list[int]) -> list[MailAttachment]:
    """The files a teammate attached to a reply, not yet sent with an email."""
    if not attachment_ids:
        return []
    return list(
        MailAttachment.objects.filter(
            workspace=workspace, pk__in=attachment_ids, message__isnull=True
        ).order_by("id")
    )
