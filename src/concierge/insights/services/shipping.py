"""'It shipped: reply to all': one reply per linked conversation, filled in for its contact, sent by
a durable task that claims each conversation in the reply's own transaction, so a retried, doubled or
interrupted run never sends a conversation's reply twice."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation
from concierge.conversations.services import reply_as_teammate
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.queue import enqueue_with_change
from concierge.core.text import clean_message_body
from concierge.insights.models import ProductIssue, ShippedNotice, ShippedReply
from concierge.insights.selectors import conversations_not_yet_replied
from concierge.insights.services.issues import mark_issue_shipped
from concierge.replies.variables import check_variables, fill_variables
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import Actor, record_audit

MAX_BODY_LENGTH = 10_000


def fill_reply_for_contact(
    text: str, *, contact: Contact, teammate: Teammate, workspace: Workspace, locale: str
) -> str:
    """The reply's text with its variables filled for this contact (the saved replies' variables:
    `{{contact.first_name|there}}`, `{{contact.<attribute>}}`, `{{teammate.first_name}}`, …)."""
    return fill_variables(text, contact=contact, teammate=teammate, workspace=workspace, locale=locale)


def reply_to_all_who_asked(issue: ProductIssue, *, teammate: Teammate, body: str) -> ShippedNotice:
    """Mark the issue shipped (if it was not) and queue one reply per linked conversation, written by
    `teammate` from `body` (Markdown with variables). Recorded in the audit trail; each reply is a
    part of its conversation with its event, and an email conversation's reply goes out as an email."""
    if teammate.workspace_id != issue.workspace_id:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("Write the reply the customers will get.", field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidInput(
            f"The reply is {len(body):,} characters long; the limit is {MAX_BODY_LENGTH:,}.", field="body"
        )
    check_variables(body)
    clean_message_body(body)  # refuses what a reply may not hold before anything is written
    actor = Actor.for_teammate(teammate)
    from concierge.insights.tasks import send_shipped_replies_task

    with transaction.atomic():
        locked = ProductIssue.objects.select_for_update().get(pk=issue.pk)
        if ShippedNotice.objects.filter(issue=locked, finished_at__isnull=True).exists():
            raise Conflict("The replies to everyone who asked are on their way already.", field="body")
        waiting = conversations_not_yet_replied(issue.workspace, locked)
        if not waiting:
            raise Conflict(
                "Every customer who asked has had the reply already (or none is linked).", field="body"
            )
        mark_issue_shipped(locked, actor=actor)
        issue.state, issue.shipped_at = locked.state, locked.shipped_at
        notice = ShippedNotice.objects.create(
            workspace_id=issue.workspace_id,
            issue=locked,
            teammate=teammate,
            body=body,
            requested_at=timezone.now(),
        )
        record_audit(
            issue.workspace,
            "product_issue.replied_to_all",
            actor=actor,
            target=locked,
            changes={"conversations": [None, len(waiting)]},
        )
        enqueue_with_change(send_shipped_replies_task, notice.pk)
    return notice


def send_shipped_reply(notice: ShippedNotice, conversation_id: int) -> bool:
    """One conversation's reply, claimed in its own transaction. False: it had gone already (or the
    conversation is gone)."""
    conversation = (
        Conversation.objects.filter(workspace_id=notice.workspace_id, pk=conversation_id)
        .select_related("contact", "workspace")
        .first()
    )
    if conversation is None:
        return False
    contact = conversation.contact
    body = fill_reply_for_contact(
        notice.body,
        contact=contact,
        teammate=notice.teammate,
        workspace=conversation.workspace,
        locale=contact.locale or conversation.workspace.locale,
    )
    try:
        with transaction.atomic():
            claim = ShippedReply.objects.create(
                workspace_id=notice.workspace_id,
                issue_id=notice.issue_id,
                notice=notice,
                conversation=conversation,
                sent_at=timezone.now(),
            )
            part = reply_as_teammate(conversation, notice.teammate, body)
            claim.part = part
            claim.save(update_fields=["part"])
    except IntegrityError:
        return False  # claimed by an earlier run
    return True


def send_shipped_replies(notice_id: int) -> int:
    """Every waiting conversation of the notice's issue gets its reply; returns how many went now."""
    notice = ShippedNotice.objects.select_related("teammate", "issue").filter(pk=notice_id).first()
    if notice is None:
        return 0
    sent = 0
    for conversation_id in conversations_not_yet_replied(notice.issue.workspace, notice.issue):
        sent += send_shipped_reply(notice, conversation_id)
    with transaction.atomic():
        total = ShippedReply.objects.filter(notice=notice).count()
        ShippedNotice.objects.filter(pk=notice.pk).update(finished_at=timezone.now(), replies_sent=total)
    return sent
