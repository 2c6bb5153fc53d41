"""What the contact does with a proactive message in the messenger (docs/outbound.md, "In the
messenger"): a page that shows one, seeing it (`outbound.opened`), reacting with an emoji
(`outbound.reacted`), dismissing it, and replying to a chat, which starts a conversation with the chat
as its first message, from its sender. Each writes its row and its event in one transaction."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation
from concierge.conversations.services import reply_as_contact, start_conversation
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_message_body
from concierge.outbound.models import Delivery, Message
from concierge.outbound.personalisation import personalise, version_for
from concierge.outbound.services.delivery import deliver
from concierge.outbound.services.engagement import REACTIONS, record_open
from concierge.outbound.services.engagement import react as engagement_react


def show_on_page(message: Message, contact: Contact, *, at: datetime | None = None) -> Delivery | None:
    """The customer is on a page of the message's (for as long as it asks): it is delivered to them now,
    if they are in its audience and within its frequency and the workspace's cap. None when not."""
    delivery = deliver(message, contact, at=at)
    return delivery if delivery is not None and delivery.state == Delivery.State.SENT else None


def _locked(delivery: Delivery) -> Delivery:
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    locked.message = delivery.message
    locked.contact = delivery.contact
    return locked


def mark_seen(delivery: Delivery, *, at: datetime | None = None) -> Delivery:
    """The contact saw the message (shown in the messenger, or drawn on their page): `outbound.opened`,
    once per delivery (services.engagement)."""
    record_open(delivery, at=at)
    return delivery


def react(delivery: Delivery, emoji: str, *, at: datetime | None = None) -> Delivery:
    """An emoji reaction to a chat or a post (services.engagement: `outbound.reacted` each time it
    changes). Reacting is seeing."""
    if emoji == "":
        raise InvalidInput(f"A reaction is one of {' '.join(REACTIONS)}.", field="emoji")
    at = at or timezone.now()
    with transaction.atomic():
        delivery = engagement_react(delivery, emoji, at=at)
        record_open(delivery, at=at)
    return delivery


def dismiss(delivery: Delivery, *, at: datetime | None = None) -> Delivery:
    """The contact closed the banner, finished or closed the tooltips, or put the chat or post away: it
    is not shown again."""
    with transaction.atomic():
        delivery = _locked(delivery)
        if delivery.dismissed_at is None:
            delivery.dismissed_at = at or timezone.now()
            delivery.save(update_fields=["dismissed_at"])
    return delivery


def reply_to_chat(delivery: Delivery, body: str, *, at: datetime | None = None) -> Conversation:
    """The contact answers a chat: a conversation starts with the chat (as the contact read it, from
    its sender) as its first message and the contact's words after it; the delivery keeps it, so the
    message's replies can be counted. Answering again goes on in that conversation."""
    message = delivery.message
    if message.content_type != Message.ContentType.CHAT:
        raise InvalidInput("Only a chat can be answered.", field="body")
    clean_message_body(body)  # refused before anything is written
    at = at or timezone.now()
    with transaction.atomic():
        delivery = _locked(delivery)
        if delivery.conversation_id is not None:
            conversation = delivery.conversation
            reply_as_contact(conversation, body, at=at)
            return conversation
        sender = message.sender
        if sender is None or not sender.is_active:
            raise Conflict("This message has no sender to answer; write to the team from the messenger.")
        mark_seen(delivery, at=at)
        conversation = start_conversation(
            message.workspace,
            contact=delivery.contact,
            teammate=sender,
            body=_chat_as_read(delivery),
            at=at,
            data={"outbound": {"message": message.ref, "delivery": delivery.pk}},
        )
        reply_as_contact(conversation, body, at=at)
        delivery.conversation = conversation
        delivery.save(update_fields=["conversation"])
    return conversation


def _chat_as_read(delivery: Delivery) -> str:
    message = delivery.message
    version = version_for(list(message.versions.all()), delivery.locale or delivery.contact.locale)
    return personalise(
        version.body if version else "",
        contact=delivery.contact,
        sender=message.sender,
        workspace=message.workspace,
        locale=version.locale if version else "en",
    )
