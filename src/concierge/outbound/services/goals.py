"""Goals: a contact who, within the goal's days after a message reached them, tracks the goal's event
(or whose attribute takes the goal's value) has met it; a message that stops at its goal sends them
no more."""

from datetime import datetime, timedelta

from django.db import transaction

from concierge.contacts.models import Contact
from concierge.events.services import record_event
from concierge.outbound.event_types import OUTBOUND_GOAL_MET
from concierge.outbound.models import Delivery, Message

MAX_GOAL_DAYS = 365


def _open_goals(contact: Contact, kind: str, name: str, at: datetime):
    return Delivery.objects.filter(
        workspace_id=contact.workspace_id,
        contact=contact,
        state=Delivery.State.SENT,
        goal_met_at__isnull=True,
        message__goal_kind=kind,
        message__goal_name=name,
        sent_at__lte=at,
        sent_at__gte=at - timedelta(days=MAX_GOAL_DAYS),
    ).select_related("message")


def _meet(contact: Contact, deliveries, at: datetime) -> int:
    met = [d for d in deliveries if d.sent_at + timedelta(days=d.message.goal_days) >= at]
    with transaction.atomic():
        for delivery in met:
            Delivery.objects.filter(pk=delivery.pk, goal_met_at__isnull=True).update(goal_met_at=at)
            message = delivery.message
            record_event(
                contact.workspace,
                OUTBOUND_GOAL_MET,
                contact=contact,
                at=at,
                message_ref=message.ref,
                data={"goal": message.goal_kind, "name": message.goal_name},
            )
    return len(met)


def meet_event_goals(contact: Contact, name: str, at: datetime) -> int:
    """The contact tracked `name` at `at`: the messages waiting for it as a goal have it met.
    Returns how many deliveries met their goal."""
    return _meet(contact, list(_open_goals(contact, Message.GoalKind.EVENT, name, at)), at)


def meet_attribute_goals(contact: Contact, at: datetime) -> int:
    """The contact's attributes as they are now meet the goals waiting for an attribute's value."""
    attributes = contact.attributes if isinstance(contact.attributes, dict) else {}
    waiting = Delivery.objects.filter(
        workspace_id=contact.workspace_id,
        contact=contact,
        state=Delivery.State.SENT,
        goal_met_at__isnull=True,
        message__goal_kind=Message.GoalKind.ATTRIBUTE,
        sent_at__lte=at,
        sent_at__gte=at - timedelta(days=MAX_GOAL_DAYS),
    ).select_related("message")
    met = [
        d
        for d in waiting
        if d.message.goal_name in attributes and attributes[d.message.goal_name] == d.message.goal_value
    ]
    return _meet(contact, met, at)
