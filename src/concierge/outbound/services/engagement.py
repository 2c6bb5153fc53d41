"""What a contact does with a proactive message they were sent: open it, click a tracked link, react
to it. (Asking for no more proactive email is outbound.services.settings.unsubscribe.)

Each is kept on the delivery and recorded in the support log in the same transaction, so the funnel
report's proactive figures (which count distinct message and contact pairs with at least one such
event) follow:

- `outbound.opened`: once per delivery, the first time (the messenger's "seen", or the email's open
  pixel, marked `approximate`: a mail client that blocks images never opens it, one that fetches
  every image opens it unread). Opening it again says nothing new and records nothing.
- `outbound.clicked`: once per delivery, the first tracked link clicked (with its address). A click
  on an email nobody had opened opens it too: the pixel was blocked, but the email was read.
- `outbound.reacted`: each time the reaction changes to another emoji (the event carries it, so the
  log's last one is the reaction as it stands). Taking a reaction back clears it on the delivery; the
  log, append-only, keeps the reaction that was given.

The flags are set with a conditional update, so two requests at once (a double click, the pixel
fetched twice) record one event.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from concierge.core.errors import InvalidInput
from concierge.events.services import record_event
from concierge.outbound.event_types import OUTBOUND_CLICKED, OUTBOUND_OPENED, OUTBOUND_REACTED
from concierge.outbound.models import Delivery, Message

# The emoji a contact may react with, in the order the messenger shows them.
REACTIONS = ("👍", "❤️", "😄", "🎉", "😮", "😕")
REACTABLE = (Message.ContentType.CHAT, Message.ContentType.POST)


def record_open(delivery: Delivery, *, at: datetime | None = None, approximate: bool = False) -> bool:
    """The contact opened the message: True when this was the first time (an event recorded)."""
    at = at or timezone.now()
    with transaction.atomic():
        if not _set_once(delivery, "opened_at", at):
            return False
        _record(delivery, OUTBOUND_OPENED, at, {"approximate": True} if approximate else {})
    return True


def record_click(delivery: Delivery, url: str, *, at: datetime | None = None) -> bool:
    """The contact followed a tracked link of the message: True when it was the first click."""
    at = at or timezone.now()
    with transaction.atomic():
        if not _set_once(delivery, "clicked_at", at):
            return False
        if _set_once(delivery, "opened_at", at):
            _record(delivery, OUTBOUND_OPENED, at, {"approximate": True})
        _record(delivery, OUTBOUND_CLICKED, at, {"url": url})
    return True


def react(delivery: Delivery, reaction: str, *, at: datetime | None = None) -> Delivery:
    """The contact's reaction to a chat or a post (one of REACTIONS), or "" to take it back."""
    if delivery.message.content_type not in REACTABLE:
        raise InvalidInput("Only a chat or a post takes a reaction.", field="reaction")
    if not isinstance(reaction, str) or (reaction and reaction not in REACTIONS):
        raise InvalidInput(f"A reaction is one of {' '.join(REACTIONS)}.", field="reaction")
    if delivery.state != Delivery.State.SENT:
        raise InvalidInput("This message has not been sent to you.", field="reaction")
    at = at or timezone.now()
    with transaction.atomic():
        changed = Delivery.objects.filter(pk=delivery.pk).filter(~Q(reaction=reaction))
        if changed.update(reaction=reaction, reacted_at=at if reaction else None):
            if reaction:
                _record(delivery, OUTBOUND_REACTED, at, {"reaction": reaction})
            delivery.reaction, delivery.reacted_at = reaction, at if reaction else None
    return delivery


def _set_once(delivery: Delivery, field: str, at: datetime) -> bool:
    """Set the sent delivery's instant `field` unless it is set already; True when this call set it."""
    unset = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENT, **{f"{field}__isnull": True})
    updated = unset.update(**{field: at})
    if updated:
        setattr(delivery, field, at)
    return bool(updated)


def _record(delivery: Delivery, type_: str, at: datetime, data: dict) -> None:
    record_event(
        delivery.workspace,
        type_,
        contact=delivery.contact,
        at=at,
        message_ref=delivery.message.ref,
        data=data or None,
    )
