"""What a contact is shown in the messenger (docs/outbound.md, "In the messenger"): the chats, posts,
banners and tooltip groups delivered to them and not dismissed, and the messages that wait for a page
of the customer's site. Always one workspace's and one contact's: nobody sees another's messages."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from concierge.contacts.models import Contact
from concierge.core.errors import NotFound
from concierge.core.text import render_message
from concierge.outbound.models import Delivery, Message
from concierge.outbound.personalisation import personalise, version_for
from concierge.outbound.selectors.messages import live_messages_for
from concierge.outbound.services.engagement import REACTIONS
from concierge.workspaces.models import Workspace

IN_APP = (
    Message.ContentType.CHAT,
    Message.ContentType.POST,
    Message.ContentType.BANNER,
    Message.ContentType.TOOLTIP_GROUP,
)
# Drawn on the customer's page only while the message is live; a chat or a post, once sent, stays
# in the messenger like any message.
ON_THE_PAGE = (Message.ContentType.BANNER, Message.ContentType.TOOLTIP_GROUP)
REACTABLE = (Message.ContentType.CHAT, Message.ContentType.POST)
SHOWN_AT_ONCE = 20


@dataclass(frozen=True)
class Sender:
    name: str
    initials: str


@dataclass(frozen=True)
class Shown:
    """A delivered message as the contact reads it: the version in their language, personalised, as
    safe HTML."""

    id: int
    message_ref: str
    content_type: str
    title: str
    body_html: str
    preview: str
    tooltips: list[dict]
    sender: Sender | None
    sent_at: datetime
    opened: bool
    reaction: str
    emojis: tuple[str, ...]
    conversation_id: int | None


@dataclass(frozen=True)
class Waiting:
    """A message for this page, asked for again after `after_seconds` on it."""

    message_id: int
    after_seconds: int


def delivery_of_contact(workspace: Workspace, contact: Contact, delivery_id: int) -> Delivery:
    """One message delivered to this contact in the messenger; anyone else's is not found."""
    delivery = (
        Delivery.objects.select_related("message", "message__sender")
        .filter(
            workspace=workspace,
            contact=contact,
            pk=delivery_id,
            state=Delivery.State.SENT,
            message__content_type__in=IN_APP,
        )
        .first()
    )
    if delivery is None:
        raise NotFound(f"No message with id {delivery_id} for this contact.")
    return delivery


def shown_to(workspace: Workspace, contact: Contact) -> list[Delivery]:
    """The contact's messages in the messenger, newest first: sent, not dismissed; banners and
    tooltips only while their message is live."""
    return list(
        Delivery.objects.select_related("message", "message__sender")
        .filter(
            workspace=workspace,
            contact=contact,
            state=Delivery.State.SENT,
            dismissed_at__isnull=True,
            message__content_type__in=IN_APP,
        )
        .exclude(Q(message__content_type__in=ON_THE_PAGE) & ~Q(message__state=Message.State.LIVE))
        .prefetch_related("message__versions")
        .order_by("-sent_at", "-id")[:SHOWN_AT_ONCE]
    )


def page_messages(workspace: Workspace, contact: Contact, url: str) -> list[Message]:
    """The live in-app messages triggered by a page whose pattern matches `url`, whose audience holds
    the contact, and that they may still get (fewer deliveries than the message allows). Whether the
    frequency's gap and the workspace's cap allow it now is decided when it is delivered."""
    messages = live_messages_for(
        workspace, contact, trigger=Message.Trigger.PAGE, url=url, content_types=IN_APP
    )
    times = dict(
        Delivery.objects.filter(
            contact=contact, message__in=messages, state__in=(Delivery.State.SENT, Delivery.State.PENDING)
        )
        .order_by()
        .values_list("message")
        .annotate(n=Count("id"))
    )
    return [m for m in messages if times.get(m.pk, 0) < m.max_per_contact]


def waiting_on_page(workspace: Workspace, contact: Contact, url: str) -> list[Waiting]:
    return [Waiting(m.pk, m.page_seconds) for m in page_messages(workspace, contact, url)]


def page_message(workspace: Workspace, contact: Contact, message_id: int, url: str) -> Message:
    """A message this page may show now; another's, or one not for this page, is not found."""
    for message in page_messages(workspace, contact, url):
        if message.pk == message_id:
            return message
    raise NotFound(f"No message with id {message_id} for this page.")


def as_shown(delivery: Delivery, contact: Contact, locale: str | None = None) -> Shown:
    """The delivery as the contact reads it: the version chosen when it was sent (else the one in
    `locale`), filled in for them."""
    message = delivery.message
    versions = list(message.versions.all())
    version = version_for(versions, delivery.locale or locale or contact.locale)
    sender = message.sender

    def fill(text: str) -> str:
        return personalise(
            text or "",
            contact=contact,
            sender=sender,
            workspace=message.workspace,
            locale=version.locale if version else "en",
        )

    body = fill(version.body if version else "")
    tooltips = [
        {"selector": tip.get("selector", ""), "html": _html(fill(tip.get("body", "")))}
        for tip in (version.tooltips if version else [])
    ]
    return Shown(
        id=delivery.pk,
        message_ref=message.ref,
        content_type=message.content_type,
        title=_unescaped(fill(version.subject)) if version and version.subject else "",
        body_html=_html(body),
        preview=_preview(body),
        tooltips=tooltips,
        sender=Sender(sender.name, sender.initials or _initials(sender.name)) if sender else None,
        sent_at=delivery.sent_at,
        opened=delivery.opened_at is not None,
        reaction=delivery.reaction,
        emojis=REACTIONS if message.content_type in REACTABLE else (),
        conversation_id=delivery.conversation_id,
    )


def _html(markdown: str) -> str:
    return render_message(markdown) if markdown.strip() else ""


def _unescaped(markdown: str) -> str:
    """A filled-in title is shown as text, not Markdown: the values' escapes go."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _preview(markdown: str) -> str:
    flat = " ".join(re.sub(r"[*_`#>\[\]]", "", markdown).split())
    return flat[:117] + "…" if len(flat) > 120 else flat


def _initials(name: str) -> str:
    words = [word for word in name.split() if word]
    return "".join(word[0] for word in words[:2]).upper() or "?"
