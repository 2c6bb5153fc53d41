"""A teammate's reply the customer has not seen in the messenger goes to them by email.

When a teammate replies in a messenger conversation, a task is queued for a little later
(settings.MESSENGER_OFFLINE_EMAIL_AFTER, 5 minutes unless set). When it runs it re-reads the
conversation: if the customer has seen the reply since (the messenger's "seen", a reply of theirs, the
conversation's page), nothing is sent; otherwise one email carries every reply they have not seen and
no earlier email carried, with a link to the conversation's page (mail.public_views). So several
replies within the delay make one email, a note is never emailed, and a reply is never emailed twice:
the database holds at most one such email per last reply it carries (a unique constraint), and each
email covers only the replies after the previous one's.

Email conversations are not touched here: the email channel sends their replies itself.
"""

import html
import logging
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from concierge.conversations.models import Conversation, Part
from concierge.core.queue import enqueue_with_change
from concierge.core.text import message_text
from concierge.mail.composing import Outgoing, compose, new_message_id
from concierge.mail.models import MailMessage
from concierge.mail.services.files import files_kept_only_on_success

logger = logging.getLogger("concierge.mail")
Outcome = MailMessage.Outcome
LINK_SALT = "concierge.mail.offline-conversation"
# The link in the email opens the conversation for this long; a later email carries a fresh one.
LINK_VALID_FOR = timedelta(days=30)


def offline_email_delay() -> timedelta:
    return timedelta(seconds=settings.MESSENGER_OFFLINE_EMAIL_AFTER)


def schedule_unseen_reply_email(part: Part) -> bool:
    """Queue the check for a teammate's reply in a messenger conversation whose contact has an email
    address; False (nothing queued) for anything else."""
    from concierge.mail.tasks import email_unseen_replies_task

    conversation = part.conversation
    if (
        part.kind != Part.Kind.COMMENT
        or part.author_type != Part.Author.TEAMMATE
        or conversation.channel != Conversation.Channel.MESSENGER
        or not conversation.contact.email
    ):
        return False
    with transaction.atomic():
        enqueue_with_change(
            email_unseen_replies_task, part.pk, run_after=part.created_at + offline_email_delay()
        )
    return True


def unseen_replies(conversation: Conversation) -> list[Part]:
    """The team's replies the contact has not seen and no earlier email carried, in order."""
    replies = Part.objects.filter(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        kind=Part.Kind.COMMENT,
        author_type=Part.Author.TEAMMATE,
    )
    seen_at = conversation.contact_seen_at
    last_from_contact = (
        Part.objects.filter(
            workspace_id=conversation.workspace_id,
            conversation=conversation,
            kind=Part.Kind.COMMENT,
            author_type=Part.Author.CONTACT,
        )
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    for instant in (seen_at, last_from_contact):
        if instant is not None:
            replies = replies.filter(created_at__gt=instant)
    carried = (
        MailMessage.objects.filter(
            workspace_id=conversation.workspace_id,
            conversation=conversation,
            via=MailMessage.Via.OFFLINE,
            part__isnull=False,
        )
        .select_related("part")
        .order_by("-part__created_at", "-part__id")
        .first()
    )
    if carried is not None:
        last = carried.part
        replies = replies.filter(
            Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, id__gt=last.pk)
        )
    return list(replies.select_related("author_teammate").order_by("created_at", "id"))


def email_unseen_replies(part_pk: int) -> str:
    """The task's work for one reply (safe to run twice): email it, with every other reply the
    contact has not seen, unless they have seen it or an email already carried it."""
    from concierge.mail.tasks import send_mail_message_task

    part = (
        Part.objects.filter(pk=part_pk)
        .select_related("conversation", "conversation__workspace", "conversation__contact")
        .first()
    )
    if part is None:
        return "the reply is gone"
    conversation = part.conversation
    address = conversation.contact.email
    if conversation.channel != Conversation.Channel.MESSENGER or not address:
        return "not a messenger conversation with an email address"
    replies = unseen_replies(conversation)
    if part.pk not in {reply.pk for reply in replies}:
        return "seen, or emailed already"
    outgoing = _outgoing(conversation, replies, address)
    sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@concierge.localhost"
    message_id = new_message_id(sender_address.rpartition("@")[2])
    raw = compose(outgoing, message_id)
    try:
        with files_kept_only_on_success() as files, transaction.atomic():
            message = MailMessage.objects.create(
                workspace_id=conversation.workspace_id,
                mailbox=None,
                direction=MailMessage.Direction.OUT,
                via=MailMessage.Via.OFFLINE,
                message_id=message_id,
                from_address=sender_address,
                from_name=outgoing.from_name[:190],
                to_addresses=address,
                subject=outgoing.subject[:255],
                conversation=conversation,
                part=replies[-1],
                raw=files.save("raw", ".eml", raw),
                size=len(raw),
                html=outgoing.body_html,
                text=message_text(outgoing.body_html),
                outcome=Outcome.PENDING,
                created_at=timezone.now(),
            )
            enqueue_with_change(send_mail_message_task, message.pk)
    except IntegrityError:  # another run carried the same replies a moment ago
        return "emailed already"
    logger.info("Unseen replies of conversation %s emailed (%d)", conversation.pk, len(replies))
    return f"queued {len(replies)} repl{'y' if len(replies) == 1 else 'ies'}"


def conversation_link(conversation: Conversation) -> str:
    """The conversation's page for its contact, signed (mail.public_views)."""
    token = signing.dumps({"c": conversation.pk, "k": conversation.contact_id}, salt=LINK_SALT, compress=True)
    return settings.PUBLIC_URL + reverse("offline_conversation", args=[conversation.workspace.slug, token])


def conversation_of_link(workspace, token: str) -> Conversation | None:
    """The conversation a link's token names in this workspace, still with the same contact; None for
    a forged, expired or foreign token."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_VALID_FOR)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    conversation_pk, contact_pk = data.get("c"), data.get("k")
    if not isinstance(conversation_pk, int) or not isinstance(contact_pk, int):
        return None
    return (
        Conversation.objects.filter(workspace=workspace, pk=conversation_pk, contact_id=contact_pk)
        .select_related("workspace", "contact")
        .first()
    )


def _outgoing(conversation: Conversation, replies: list[Part], address: str) -> Outgoing:
    workspace = conversation.workspace
    names = list(dict.fromkeys(r.author_teammate.name for r in replies if r.author_teammate))
    team = workspace.name
    from_name = f"{names[-1]} from {team}" if names else team
    link = conversation_link(conversation)
    pieces = []
    for reply in replies:
        who = html.escape(reply.author_teammate.name if reply.author_teammate else team)
        pieces.append(f"<p><strong>{who}</strong></p>{reply.body}")
    pieces.append(
        f'<p><a href="{html.escape(link)}">See the conversation and reply</a></p>'
        f'<p style="color:#555">{html.escape(link)}</p>'
        f'<p style="color:#555">You are receiving this because {html.escape(team)} replied to you '
        "while you were away.</p>"
    )
    subject = conversation.subject or "your conversation"
    return Outgoing(
        from_name=from_name,
        from_address=parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@concierge.localhost",
        to=[address],
        reply_to="",
        subject=f"New reply from {team}: {subject}"[:200],
        body_html="".join(pieces),
    )
