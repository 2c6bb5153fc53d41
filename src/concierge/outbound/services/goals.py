"""Goals: a contact who, within the goal's days after a message reached them, tracks the goal's event
(or whose attribute takes the goal's value) has met it; a message that stops at its goal sends them
no more."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

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


def meet_attribute_goals(*, at: datetime | None = None) -> int:
    """The deliveries whose contact's attribute has taken the goal's value within the goal's days
    meet their goal now (a sweep of the worker's, every minute: met within a minute of the change).
    Returns how many met it."""
    at = at or timezone.now()
    met = 0
    waiting = Message.objects.filter(goal_kind=Message.GoalKind.ATTRIBUTE, imported=False).exclude(
        goal_name=""
    )
    for message in waiting.select_related("workspace"):
        deliveries = Delivery.objects.filter(
            message=message,
            state=Delivery.State.SENT,
            goal_met_at__isnull=True,
            sent_at__gte=at - timedelta(days=message.goal_days),
            sent_at__lte=at,
            **{f"contact__attributes__{message.goal_name}": message.goal_value},
        ).select_related("contact", "message")
        for chunk in _chunks(list(deliveries), 500):
            met += _meet_each(message.workspace, chunk, at)
    return met


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _meet_each(workspace, deliveries, at: datetime) -> int:
    with transaction.atomic():
        for delivery in deliveries:
            updated = Delivery.objects.filter(pk=delivery.pk, goal_met_at__isnull=True).update(goal_met_at=at)
            if updated:
                record_event(
                    workspace,
                    OUTBOUND_GOAL_MET,
                    contact=delivery.contact,
                    at=at,
                    message_ref=delivery.message.ref,
                    data={"goal": delivery.message.goal_kind, "name": delivery.message.goal_name},
                )
    return len(deliveries)
