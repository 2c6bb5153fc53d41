"""Appending to the support event log, one event (the product) or a batch (imports, the API).

Whatever the way in, the log's followers (events.followers: the funnel report's rollups) follow it
in the same transaction, and an event whose `id` is already in the log changes nothing.
"""

from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.core.db import (
    chunked,
    datetime_values,
    one_of,
    prepared_rows_insert,
    refresh_statistics,
    select,
    table,
)
from concierge.events.batches import LOG_ROW_COLUMNS, EventBatch, batch_of_events
from concierge.events.followers import LogRuns, gather_for_followers
from concierge.events.models import Event
from concierge.events.parsing import LogEvent, microseconds_since_epoch
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
    appended = LogEvent(
        type=type,
        at_us=microseconds_since_epoch(event.at),
        contact_ref=None,
        conversation_ref=conversation_ref,
        message_ref=message_ref,
        data=event.data,
        external_id=external_id,
        contact_id=contact.pk,
    )
    runs = LogRuns(workspace)
    runs.apply(gather_for_followers([appended], attrgetter("contact_id")))
    runs.finish()
    return event


def append_events(workspace: Workspace, events: list[LogEvent]) -> tuple[int, int]:
    """Append the events whose `id` is not in the log yet (each event's contact_id set), as one batch,
    and have the followers follow. Returns how many were taken and how many were duplicates."""
    batch = batch_of_events(events, attrgetter("contact_id"))
    runs = LogRuns(workspace)
    counts = append_batch(workspace, batch, batch.contacts, runs)
    runs.finish()
    return counts


def append_batch(
    workspace: Workspace,
    batch: EventBatch,
    contact_ids: list[int],
    runs: LogRuns,
    known: "KnownIds | None" = None,
) -> tuple[int, int]:
    """Append a batch's events whose `id` is not in the log yet and hand the batch to the followers'
    `runs` (one writer's, in this transaction). `contact_ids`: the ids of the batch's contacts, in its
    order; `known`: the writer's KnownIds, kept from batch to batch. Returns how many events were
    taken and how many were duplicates."""
    known = known or KnownIds(workspace)
    if not known.looks_up_first:
        # Mostly every id is new: then the unique index alone checks them, in the insert itself,
        # which runs while the followers work (their `alongside`).
        insert = _LogInsert(workspace, batch, contact_ids)
        try:
            with transaction.atomic():
                runs.apply(batch.gathered, contact_ids=contact_ids, alongside=insert.run)
            return batch.event_count, 0
        except IntegrityError:
            if not insert.failed:
                raise
    events = batch.parsed_events()
    id_of = dict(zip(batch.contacts, contact_ids, strict=True))
    for event in events:
        if event.contact_id is None:
            event.contact_id = id_of[event.contact_ref]
    taken, duplicates = known.without_known(events)
    again = batch_of_events(taken, attrgetter("contact_id"))
    runs.apply(
        again.gathered, contact_ids=again.contacts, alongside=_LogInsert(workspace, again, again.contacts).run
    )
    return len(taken), duplicates


class KnownIds:
    """Which of a writer's events the log holds already (by their `id`), from batch to batch.

    The unique index checks a batch of new events in the insert itself. Once a batch has met events
    already in the log (a file imported again), the writer looks each later batch up before writing
    it: otherwise every batch would be done twice, a failed insert and the followers' work rolled
    back with it, then again without the duplicates. An import's writer refreshes the log's
    statistics before its first look-up: PostgreSQL, planning from statistics of a log it took for nearly empty, read the
    workspace's whole index for every chunk of ids (a re-import of 600k events took 15 times as
    long as the first import)."""

    def __init__(self, workspace: Workspace, *, refresh_statistics_first: bool = False):
        self.workspace = workspace
        self.looks_up_first = False
        self.refresh_statistics_first = refresh_statistics_first

    def without_known(self, events: list[LogEvent]) -> tuple[list[LogEvent], int]:
        """The events whose `id` is neither in the log nor taken earlier in the list, and how many
        are left out."""
        if not self.looks_up_first and self.refresh_statistics_first:
            refresh_statistics([Event], rough=True)
        self.looks_up_first = True
        return _without_known_ids(self.workspace, events)


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
        known.update(row[0] for row in select(*known_ids_query(workspace, chunk)))
    taken = []
    for event in events:
        if event.external_id is not None:
            if event.external_id in known:
                continue
            known.add(event.external_id)
        taken.append(event)
    return taken, len(events) - len(taken)


def known_ids_query(workspace: Workspace, ids: Sequence[str]) -> tuple[str, list]:
    """Which of `ids` (a chunk) the workspace's log holds: the SQL and its parameters."""
    condition, params = one_of("external_id", ids)
    # The partial unique index's own condition, said outright, so that every plan may use it.
    return (
        f"SELECT external_id FROM {table(Event)} "
        f"WHERE workspace_id = %s AND external_id IS NOT NULL AND {condition}",
        [workspace.pk, *params],
    )
