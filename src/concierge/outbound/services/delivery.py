"""Delivering messages (docs/outbound.md, "Delivery"): to one contact (`deliver`, when a page or an
event triggers a message), or to a whole audience by the worker in batches (`run_send`).

Durable and once: a `SendRun` walks the audience in contact id order; each batch's deliveries, their
`outbound.sent` events and the run's position commit in one transaction. A worker killed mid-batch
loses that batch whole, and the next worker does it again from the last committed position; the
unique (message, contact, sequence) row is the second guard.

Who gets it now, later, or not at all (checked per contact, under the contact's lock so that two
workers sending different messages cannot both pass the cap):
- not at all: no longer in the audience, a merged lead, an email to a contact without an address or
  unsubscribed, the message's times per contact used up, its goal met (when it stops at the goal);
- later (a pending delivery, due when allowed): the gap between two times not yet passed, outside
  office hours, the workspace's daily cap reached (unless the message overrides it), a schedule's
  local time not yet come in the contact's zone.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.core.db import lock_rows
from concierge.core.queue import enqueue_with_change
from concierge.events.parsing import LogEvent, microseconds_since_epoch
from concierge.events.services import append_events, record_event
from concierge.outbound.event_types import OUTBOUND_SENT
from concierge.outbound.models import (
    AudienceMember,
    Delivery,
    Message,
    OutboundSettings,
    SendRun,
    Unsubscription,
)
from concierge.outbound.schedule import local_instant
from concierge.outbound.selectors.audience import audience_contacts, in_audience
from concierge.outbound.services.emails import queue_delivery_emails
from concierge.routing.selectors.hours import next_opening_in, schedule_for

BATCH = 500
CAP_WINDOW = timedelta(hours=24)
SENDABLE = (Message.State.LIVE,)


def daily_cap_of(workspace_id: int) -> int:
    settings = OutboundSettings.objects.filter(workspace_id=workspace_id).first()
    return settings.daily_cap if settings else OutboundSettings._meta.get_field("daily_cap").default


# What each contact's history says ------------------------------------------------------------------


@dataclass
class History:
    """What the log of deliveries says of one contact, for one message and for the cap."""

    times: int = 0  # deliveries of this message so far (sent or pending)
    pending: bool = False
    last_sent_at: datetime | None = None
    goal_met: bool = False
    capped_sends: list | None = None  # sent_at of the contact's counted sends within the cap window


def _histories(message: Message, contact_ids: list[int], at: datetime) -> dict[int, History]:
    histories = {contact_id: History(capped_sends=[]) for contact_id in contact_ids}
    own = (
        Delivery.objects.filter(message=message, contact_id__in=contact_ids)
        .values("contact_id")
        .annotate(
            times=Count("id", filter=~Q(state=Delivery.State.SKIPPED)),
            pending=Count("id", filter=Q(state=Delivery.State.PENDING)),
            last_sent_at=Max("sent_at"),
            goal_met=Count("id", filter=Q(goal_met_at__isnull=False)),
        )
        .order_by()
    )
    for row in own:
        history = histories[row["contact_id"]]
        history.times, history.pending = row["times"], row["pending"] > 0
        history.last_sent_at, history.goal_met = row["last_sent_at"], row["goal_met"] > 0
    counted = Delivery.objects.filter(
        workspace_id=message.workspace_id,
        contact_id__in=contact_ids,
        state=Delivery.State.SENT,
        sent_at__gt=at - CAP_WINDOW,
        sent_at__lte=at,
        message__overrides_cap=False,
    ).values_list("contact_id", "sent_at")
    for contact_id, sent_at in counted:
        histories[contact_id].capped_sends.append(sent_at)
    return histories


@dataclass(frozen=True)
class Verdict:
    """Send now (`due_at` None), later (at `due_at`), or not at all (`reason`)."""

    due_at: datetime | None = None
    reason: str = ""

    @property
    def now(self) -> bool:
        return self.due_at is None and not self.reason


NOW = Verdict()


class Rules:
    """The checks of one message at one instant, for many contacts: what is read once per batch."""

    def __init__(self, message: Message, at: datetime):
        self.message, self.at = message, at
        self.cap = daily_cap_of(message.workspace_id)
        self.office = schedule_for(message.workspace) if message.office_hours_only else None
        self._opening: datetime | None | bool = False

    def opening(self) -> datetime | None:
        if self._opening is False:
            self._opening = next_opening_in(self.office, self.at)
        return self._opening

    def verdict(
        self, contact: Contact, history: History, unsubscribed: bool, due_at: datetime | None = None
    ) -> Verdict:
        message, at = self.message, self.at
        if contact.merged_into_id is not None:
            return Verdict(reason="merged")
        if message.content_type == Message.ContentType.EMAIL and (not contact.email or unsubscribed):
            return Verdict(reason="unsubscribed" if unsubscribed else "no_email")
        if history.goal_met and message.stop_when_goal_met:
            return Verdict(reason="goal_met")
        if history.times >= message.max_per_contact:
            return Verdict(reason="frequency")
        later = [due_at] if due_at is not None and due_at > at else []
        if history.last_sent_at is not None and message.min_gap_days:
            gap_ends = history.last_sent_at + timedelta(days=message.min_gap_days)
            if gap_ends > at:
                later.append(gap_ends)
        if self.office is not None:
            opening = self.opening()
            if opening is None:
                return Verdict(reason="office_closed")
            if opening > at:
                later.append(opening)
        if not message.overrides_cap and len(history.capped_sends) >= self.cap:
            later.append(sorted(history.capped_sends)[-self.cap] + CAP_WINDOW)
        return Verdict(due_at=max(later)) if later else NOW


def _unsubscribed(message: Message, contact_ids: list[int]) -> set[int]:
    if message.content_type != Message.ContentType.EMAIL:
        return set()
    return set(
        Unsubscription.objects.filter(
            workspace_id=message.workspace_id, contact_id__in=contact_ids
        ).values_list("contact_id", flat=True)
    )


def _sent_events(message: Message, deliveries: list[Delivery]) -> None:
    """One `outbound.sent` per delivery sent, appended to the log with its followers, in this transaction."""
    if not deliveries:
        return
    append_events(
        message.workspace,
        [
            LogEvent(
                type=OUTBOUND_SENT,
                at_us=microseconds_since_epoch(delivery.sent_at),
                contact_ref=None,
                message_ref=message.ref,
                contact_id=delivery.contact_id,
            )
            for delivery in deliveries
        ],
    )
    queue_delivery_emails(message, deliveries)


def _locale_of(message: Message, contact: Contact, locales: list[str]) -> str:
    wanted = (contact.locale or "").lower()
    lowered = {locale.lower(): locale for locale in locales}
    return lowered.get(wanted) or lowered.get(wanted.split("-")[0]) or (locales[0] if locales else "")


# One contact -------------------------------------------------------------------------------------


def deliver(message: Message, contact: Contact, *, at: datetime | None = None) -> Delivery | None:
    """Deliver a live message to one contact now — the messenger, when a page or an event triggers it.
    Returns the delivery sent (with its `outbound.sent` event), or None when the contact is not to
    have it now: not live, not in the audience, its frequency, the cap, office hours, unsubscribed."""
    at = at or timezone.now()
    if contact.workspace_id != message.workspace_id:
        return None
    with transaction.atomic():
        lock_rows(Contact, [contact.pk])
        message = Message.objects.select_related("workspace").get(pk=message.pk)
        contact = Contact.objects.get(pk=contact.pk)
        if message.state not in SENDABLE or not in_audience(message, contact, at=at):
            return None
        history = _histories(message, [contact.pk], at)[contact.pk]
        if history.pending:
            return None  # the worker has it in hand
        verdict = Rules(message, at).verdict(contact, history, bool(_unsubscribed(message, [contact.pk])))
        if not verdict.now:
            return None
        locales = list(message.versions.values_list("locale", flat=True))
        delivery = Delivery.objects.create(
            workspace_id=message.workspace_id,
            message=message,
            contact=contact,
            sequence=history.times + 1,
            state=Delivery.State.SENT,
            locale=_locale_of(message, contact, locales),
            due_at=at,
            sent_at=at,
        )
        record_event(message.workspace, OUTBOUND_SENT, contact=contact, at=at, message_ref=message.ref)
        queue_delivery_emails(message, [delivery])
    return delivery


# A batch of the audience -------------------------------------------------------------------------


def _due_for(message: Message, run: SendRun, contact: Contact) -> datetime | None:
    """When a scheduled occurrence is due for this contact: its local time in their zone (or the
    workspace's); None for a run that sends now."""
    if run.occurrence is None or message.schedule_time is None:
        return None
    zone_name = message.workspace.timezone
    if message.schedule_zone == Message.ScheduleZone.CONTACT and contact.timezone:
        zone_name = contact.timezone
    return local_instant(run.occurrence, message.schedule_time, zone_name)


def send_batch(message: Message, run: SendRun, contacts: list[Contact], at: datetime) -> tuple[int, int]:
    """Deliver to a batch of the audience (in the caller's transaction): sent now, or pending until
    due. Returns how many were sent and how many wait."""
    ids = [contact.pk for contact in contacts]
    histories = _histories(message, ids, at)
    unsubscribed = _unsubscribed(message, ids)
    rules = Rules(message, at)
    locales = list(message.versions.values_list("locale", flat=True))
    sent, waiting = [], []
    for contact in contacts:
        history = histories[contact.pk]
        if history.pending:
            continue
        verdict = rules.verdict(contact, history, contact.pk in unsubscribed, _due_for(message, run, contact))
        if verdict.reason:
            continue
        delivery = Delivery(
            workspace_id=message.workspace_id,
            message=message,
            contact=contact,
            sequence=history.times + 1,
            locale=_locale_of(message, contact, locales),
            due_at=verdict.due_at or at,
            state=Delivery.State.SENT if verdict.now else Delivery.State.PENDING,
            sent_at=at if verdict.now else None,
        )
        (sent if verdict.now else waiting).append(delivery)
    Delivery.objects.bulk_create(sent + waiting)
    _sent_events(message, sent)
    return len(sent), len(waiting)


def _audience_ids_after(message: Message, after: int, at: datetime, limit: int) -> list[int]:
    if message.audience_mode == Message.AudienceMode.FIXED:
        members = AudienceMember.objects.filter(message=message, contact_id__gt=after)
        return list(members.order_by("contact_id").values_list("contact_id", flat=True)[:limit])
    contacts = audience_contacts(message.workspace, message.audience, kind=message.audience_kind, at=at)
    return list(contacts.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:limit])


def run_send_batch(run_id: int, *, at: datetime | None = None, batch_size: int = BATCH) -> bool:
    """One batch of a send run, in one transaction. Returns whether the run has more to do."""
    at = at or timezone.now()
    with transaction.atomic():
        run = SendRun.objects.select_for_update().filter(pk=run_id, finished_at__isnull=True).first()
        if run is None:
            return False
        message = Message.objects.select_related("workspace").get(pk=run.message_id)
        if message.state == Message.State.STOPPED:
            run.finished_at = at
            run.save(update_fields=["finished_at"])
            return False
        if message.state not in SENDABLE:
            return False  # paused: the run goes on when it is live again
        ids = _audience_ids_after(message, run.after_contact_id, at, batch_size)
        if not ids:
            run.finished_at = at
            run.save(update_fields=["finished_at"])
            return False
        lock_rows(Contact, ids)
        contacts = list(Contact.objects.filter(pk__in=ids).order_by("pk"))
        send_batch(message, run, contacts, at)
        run.after_contact_id = ids[-1]
        run.save(update_fields=["after_contact_id"])
    return True


def run_send(run_id: int, *, batch_size: int = BATCH) -> None:
    """A send run to its end, batch after batch (the worker's task)."""
    while run_send_batch(run_id, batch_size=batch_size):
        pass


# Starting, and what is due -------------------------------------------------------------------------


def capture_audience(message: Message, at: datetime) -> int:
    """A fixed audience's members: whoever matches as it goes live, written in one statement."""
    contacts = audience_contacts(message.workspace, message.audience, kind=message.audience_kind, at=at)
    select_sql, params = contacts.annotate(member=F("pk")).values_list("member").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AudienceMember._meta.db_table} (message_id, contact_id) "
            f"SELECT %s, matched.member FROM ({select_sql}) AS matched",
            [message.pk, *params],
        )
        return cursor.rowcount


def open_run(message: Message, key: str, at: datetime, occurrence=None) -> SendRun:
    """A send run (once per key) and its task, enqueued with the change."""
    from concierge.outbound.tasks import send_run_task

    run, created = SendRun.objects.get_or_create(
        message=message, key=key, defaults={"started_at": at, "occurrence": occurrence}
    )
    if created:
        enqueue_with_change(send_run_task, run.pk)
    return run


def start_sending(message: Message, *, at: datetime, first_time: bool) -> None:
    """The message has just gone live (or scheduled): fix its audience the first time, and hand the
    worker what there is to send now; a paused message's unfinished runs go on."""
    from concierge.outbound.tasks import send_run_task

    if first_time and message.audience_mode == Message.AudienceMode.FIXED:
        capture_audience(message, at)
    if first_time and message.trigger == Message.Trigger.NOW:
        open_run(message, f"live:{at.isoformat()}", at)
        return
    for run_id in SendRun.objects.filter(message=message, finished_at__isnull=True).values_list(
        "pk", flat=True
    ):
        enqueue_with_change(send_run_task, run_id)


def deliver_due(*, at: datetime | None = None, limit: int = BATCH) -> int:
    """Send the pending deliveries whose time has come (one batch, one transaction); each is checked
    again: a stopped message's are skipped, a paused one's wait, the cap or office hours may move
    them later. Returns how many were looked at (0: nothing more is due)."""
    at = at or timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.filter(state=Delivery.State.PENDING, due_at__lte=at)
            .exclude(message__state=Message.State.PAUSED)
            .order_by("due_at", "id")
            .values_list("pk", "contact_id")[:limit]
        )
        if not due:
            return 0
        lock_rows(Contact, [contact_id for _pk, contact_id in due])
        pending = (
            Delivery.objects.select_for_update()
            .filter(pk__in=[pk for pk, _contact in due], state=Delivery.State.PENDING)
            .select_related("message__workspace", "contact")
            .order_by("due_at", "id")
        )
        by_message: dict[int, list[Delivery]] = {}
        for delivery in pending:
            by_message.setdefault(delivery.message_id, []).append(delivery)
        for deliveries in by_message.values():
            _send_pending(deliveries[0].message, deliveries, at)
    return len(due)


def _send_pending(message: Message, deliveries: list[Delivery], at: datetime) -> None:
    ids = [delivery.contact_id for delivery in deliveries]
    histories = _histories(message, ids, at)
    unsubscribed = _unsubscribed(message, ids)
    rules = Rules(message, at)
    sent = []
    for delivery in deliveries:
        history = histories[delivery.contact_id]
        history.times -= 1  # this delivery itself is not one of the earlier times
        verdict = (
            Verdict(reason="stopped")
            if message.state != Message.State.LIVE
            else rules.verdict(delivery.contact, history, delivery.contact_id in unsubscribed)
        )
        if verdict.reason:
            delivery.state, delivery.reason = Delivery.State.SKIPPED, verdict.reason
        elif verdict.due_at is not None:
            delivery.due_at = verdict.due_at
        else:
            delivery.state, delivery.sent_at = Delivery.State.SENT, at
            sent.append(delivery)
    Delivery.objects.bulk_update(deliveries, ["state", "reason", "due_at", "sent_at"])
    _sent_events(message, sent)


def next_due_at() -> datetime | None:
    return Delivery.objects.filter(state=Delivery.State.PENDING).aggregate(first=Min("due_at"))["first"]
