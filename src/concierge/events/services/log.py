"""Appending to the support event log, one event (the product) or a batch (imports, the API).

Whatever the way in, the funnel report's rollups are updated in the same transaction, and an event
whose `id` is already in the log changes nothing.
"""

from collections.abc import Container
from datetime import datetime
from operator import attrgetter

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.core.db import chunked, datetime_values, one_of, prepared_rows_insert, select, table
from concierge.events.batches import LOG_ROW_COLUMNS, EventBatch, batch_of_events
from concierge.events.models import Event
from concierge.events.parsing import LogEvent, microseconds_since_epoch
from concierge.reports.services import LatestStarts, apply_events_to_rollups, apply_rollup_input
from concierge.reports.services.day_totals import DayTotalsChange
from concierge.workspaces.models import Workspace


def record_event(
    workspace: Workspace,
    type: str,
    *,
    contact: Contact,
    at: datetime | None = None,
    conversation_ref: str | None = None,
    message_ref: str | None = None,
    data: dict | None = None,
    external_id: str | None = None,
) -> Event:
    """Append one event. Must run inside the caller's transaction so the log and the change agree."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside the transaction of the change it records")
    if contact.workspace_id != workspace.pk:
        raise ValueError("the event's contact belongs to another workspace")
    if external_id is not None:
        existing = Event.objects.filter(workspace=workspace, external_id=external_id).first()
        if existing is not None:
            return existing
    event = Event.objects.create(
        workspace=workspace,
        type=type,
        at=at or timezone.now(),
        contact=contact,
        conversation_ref=conversation_ref,
        message_ref=message_ref,
        data=data or {},
        external_id=external_id,
    )
    apply_events_to_rollups(
        workspace,
        [
            LogEvent(
                type=type,
                at_us=microseconds_since_epoch(event.at),
                contact_ref=None,
                conversation_ref=conversation_ref,
                message_ref=message_ref,
                data=event.data,
                external_id=external_id,
                contact_id=contact.pk,
            )
        ],
    )
    return event


def append_events(workspace: Workspace, events: list[LogEvent], **options) -> tuple[int, int]:
    """Append the events whose `id` is not in the log yet (each event's contact_id set) and update
    the rollups; `options` as append_batch's. Returns how many were taken and how many were duplicates."""
    batch = batch_of_events(events, attrgetter("contact_id"))
    return append_batch(workspace, batch, batch.contacts, **options)


def append_batch(
    workspace: Workspace,
    batch: EventBatch,
    contact_ids: list[int],
    *,
    private_contacts: Container[int] = (),
    day_totals: DayTotalsChange | None = None,
    latest_starts: LatestStarts | None = None,
) -> tuple[int, int]:
    """Append a batch's events whose `id` is not in the log yet and update the rollups.
    `contact_ids`: the ids of the batch's contacts, in its order. Returns how many events were taken
    and how many were duplicates. `private_contacts`: contacts this transaction created, which no
    other writer can see yet. `day_totals` and `latest_starts`: see apply_rollup_input (`totals_to`,
    `latest_starts`)."""

    def append(batch: EventBatch, contact_ids: list[int], insert: _LogInsert) -> None:
        apply_rollup_input(
            workspace,
            batch.rollups.with_contact_ids(contact_ids),
            private_contacts=private_contacts,
            alongside=insert.run,
            totals_to=day_totals,
            latest_starts=latest_starts,
        )

    # Mostly every id is new: then the unique index alone checks them, in the insert itself, which
    # runs while the rollups are worked out (apply_rollup_input's `alongside`).
    insert = _LogInsert(workspace, batch, contact_ids)
    try:
        with transaction.atomic():
            append(batch, contact_ids, insert)
        return batch.event_count, 0
    except IntegrityError:
        if not insert.failed:
            raise
    events = batch.parsed_events()
    id_of = dict(zip(batch.contacts, contact_ids, strict=True))
    for event in events:
        if event.contact_id is None:
            event.contact_id = id_of[event.contact_ref]
    taken, duplicates = _without_known_ids(workspace, events)
    again = batch_of_events(taken, attrgetter("contact_id"))
    append(again, again.contacts, _LogInsert(workspace, again, again.contacts))
    return len(taken), duplicates


class _LogInsert:
    """The log's insert of a batch's events, to run once; remembers whether it failed."""

    def __init__(self, workspace: Workspace, batch: EventBatch, contact_ids: list[int]):
        self.failed = False
        self.insert = prepared_rows_insert(
            Event,
            "contact_id",
            {"workspace_id": workspace.pk, "recorded_at": str(datetime_values([timezone.now()])[0])},
            LOG_ROW_COLUMNS,
            [(contact_ids[index], row) for index, row in batch.log_rows],
        )

    def run(self) -> None:
        try:
            self.insert()
        except IntegrityError:
            self.failed = True
            raise


def _without_known_ids(workspace: Workspace, events: list[LogEvent]) -> tuple[list[LogEvent], int]:
    """The events whose `id` is neither in the log nor taken earlier in the list, and how many are left out."""
    known = set()
    for chunk in chunked(sorted({e.external_id for e in events if e.external_id is not None})):
        condition, params = one_of("external_id", chunk)
        known.update(
            row[0]
            for row in select(
                f"SELECT external_id FROM {table(Event)} WHERE workspace_id = %s AND {condition}",
                [workspace.pk, *params],
            )
        )
    taken = []
    for event in events:
        if event.external_id is not None:
            if event.external_id in known:
                continue
            known.add(event.external_id)
        taken.append(event)
    return taken, len(events) - len(taken)
