"""Importing a support log (JSON Lines, shared spec events.md), streamed in batches.

The whole import is one transaction: a file with a bad line (unless told to skip bad lines) is
rejected whole and nothing is written. Only one batch of events is in memory at a time.
"""

import gc
import io
import marshal
import multiprocessing
import os
import queue
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import transaction
from django.db.models import Model

from concierge.contacts.models import Contact
from concierge.core.db import prepare_for_bulk_writes, refresh_statistics
from concierge.core.errors import ServiceError
from concierge.events.batches import EventBatch, batch_of_events
from concierge.events.followers import LogRuns, tables_followers_read, tables_read_from_followers
from concierge.events.message_records import apply_message_record
from concierge.events.models import Event
from concierge.events.parsing import (
    BadLine,
    ContactRecord,
    LogEvent,
    MessageRecord,
    parse_log_line,
    parse_log_object,
)
from concierge.events.services.contact_directory import ContactDirectory
from concierge.events.services.log import KnownIds, append_batch
from concierge.events.services.records import apply_contact_record
from concierge.workspaces.models import Workspace

BATCH_SIZE = 50_000
MAX_BAD_LINES_LISTED = 1_000


def tables_an_import_reads() -> tuple[type[Model], ...]:
    """PostgreSQL plans from table statistics, which lag far behind tables that grow by millions of
    rows inside one import's transaction: with stale ones it answered "these 500 conversations of the
    workspace" by reading all of the workspace's rows through another index, and the import slowed
    quadratically. The statistics of the tables an import reads (the contacts, and those its
    followers read) are refreshed when it starts (a table filled by an earlier import may not have
    been read yet) and as they grow (after batch 1, 2, 4, 8, …), and at the end those of the tables
    read from what the followers keep (tables_read_from_followers), so that a report's first queries
    fit their size."""
    return (Contact, *tables_followers_read())


@dataclass
class ImportSummary:
    events_taken: int = 0
    duplicates_skipped: int = 0
    records_applied: int = 0
    lines_read: int = 0
    bytes_read: int = 0
    bad_line_count: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number or index, reason)
    rejected: bool = False

    def add_bad_line(self, number: int, reason: str) -> None:
        self.bad_line_count += 1
        if len(self.bad_lines) < MAX_BAD_LINES_LISTED:
            self.bad_lines.append((number, reason))


class LogWriter:
    """Takes parsed events and records in any order and writes them in batches, with one run of
    each of the log's followers for the whole transaction (what they learn from a batch serves the
    next ones; what they hold is saved at the end, by finish)."""

    def __init__(
        self,
        workspace: Workspace,
        summary: ImportSummary,
        batch_size: int = BATCH_SIZE,
        *,
        bulk: bool = False,
    ):
        """`bulk`: an import's writer, which keeps the statistics of the tables it reads fresh as
        they grow (tables_an_import_reads); the events API's small batches leave that to the server."""
        self.workspace = workspace
        self.summary = summary
        self.batch_size = batch_size
        self.bulk = bulk
        self.contacts = ContactDirectory(workspace)
        self.known = KnownIds(workspace, refresh_statistics_first=bulk)
        self.pending: list[LogEvent] = []
        self.batches_written = 0
        self.runs = LogRuns(workspace, private_contacts=self.contacts.created)

    def add_events(self, events: list[LogEvent]) -> None:
        """Events one at a time or in small lists (the events API), written as a batch by flush."""
        self.pending.extend(events)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def apply_record(self, record: MessageRecord | ContactRecord) -> None:
        """Apply a record in a savepoint of its own; a record the services refuse is a bad line."""
        try:
            with transaction.atomic():
                if isinstance(record, MessageRecord):
                    apply_message_record(self.workspace, record)
                else:
                    contact = apply_contact_record(self.workspace, record)
                    self.contacts.remember(record.external_id, contact.pk)
        except ServiceError as exc:
            raise BadLine(exc.message) from exc
        self.summary.records_applied += 1

    def finish(self) -> None:
        """Write what is pending and what the followers hold; call before the transaction ends."""
        self.flush()
        self.runs.finish()

    def flush(self) -> None:
        if self.pending:
            self.write(batch_of_events(self.pending, attrgetter("contact_ref")))
            self.pending = []

    def write(self, batch: EventBatch) -> None:
        """Write a batch of events (contacts by external id) and have the followers follow."""
        ids = self.contacts.ids_for(set(batch.contacts))
        taken, duplicates = append_batch(
            self.workspace, batch, [ids[ref] for ref in batch.contacts], self.runs, self.known
        )
        self.summary.events_taken += taken
        self.summary.duplicates_skipped += duplicates
        self.batches_written += 1
        if self.bulk and self.batches_written & (self.batches_written - 1) == 0:
            refresh_statistics(tables_an_import_reads(), rough=True)
        gc.collect(0)


@contextmanager
def garbage_collected_per_batch() -> Iterator[None]:
    """The cycle collector would scan the batch's many objects again and again while they are made
    (a third of the parse time); they hold no cycles, so it runs once per batch instead."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Rejected(Exception):
    pass


@dataclass
class ParsedBatch:
    """Up to a batch of lines, parsed: the events (a batch ready for the log, or None), the records
    and the bad lines (each with its line number), and how many lines and bytes were read so far."""

    events: EventBatch | bytes | None = None  # bytes: marshalled, between the reader and the writer
    records: list[tuple[int, MessageRecord | ContactRecord]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    lines_read: int = 0
    bytes_read: int = 0


def import_log(
    workspace: Workspace,
    lines: Iterable[bytes | str],
    *,
    skip_bad_lines: bool = False,
    on_batch: Callable[[ImportSummary], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import JSON Lines. Without skip_bad_lines, any bad line rejects the whole input (every bad
    line is still listed); with it, every good line is taken and each bad one reported."""
    return _import_batches(
        workspace, _parsed_batches(lines, batch_size), skip_bad_lines, on_batch, batch_size
    )


def import_log_file(
    workspace: Workspace,
    path: str,
    *,
    skip_bad_lines: bool = False,
    on_batch: Callable[[ImportSummary], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """import_log for a file ("-" for standard input), read and parsed in a second process while
    this one writes, so an import uses two cores. Where processes cannot fork, it runs in one."""
    source = _standard_input_descriptor() if path == "-" else path
    if source is None or "fork" not in multiprocessing.get_all_start_methods():
        if path == "-":
            return import_log(workspace, sys.stdin.buffer, skip_bad_lines=skip_bad_lines, on_batch=on_batch)
        with open(path, "rb") as lines:
            return import_log(workspace, lines, skip_bad_lines=skip_bad_lines, on_batch=on_batch)
    context = multiprocessing.get_context("fork")
    batches = context.Queue(maxsize=2)  # at most two parsed batches wait: memory stays bounded
    reader = context.Process(target=_read_and_parse, args=(source, batch_size, batches), daemon=True)
    reader.start()
    if isinstance(source, int):
        os.close(source)  # the reader has its own copy
    try:
        return _import_batches(
            workspace, _received_batches(batches, reader), skip_bad_lines, on_batch, batch_size
        )
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _parsed_batches(
    lines: Iterable[bytes | str], batch_size: int, *, keep_lines: bool = False
) -> Iterator[ParsedBatch]:
    """Batches of up to `batch_size` entries (events, records, bad lines). With `keep_lines`, each
    batch of events keeps its lines rather than its events (see EventBatch)."""
    batch, events, event_lines = ParsedBatch(), [], []
    entries = 0
    for number, raw in enumerate(lines, 1):
        batch.bytes_read += len(raw)
        batch.lines_read = number
        try:
            item = parse_log_line(raw)
        except BadLine as bad:
            batch.bad.append((number, bad.reason))
        else:
            if item is None:
                continue
            if isinstance(item, LogEvent):
                events.append(item)
                if keep_lines:
                    event_lines.append(raw)
            else:
                batch.records.append((number, item))
        entries += 1
        if entries >= batch_size:
            batch.events = _event_batch(events, event_lines if keep_lines else None)
            yield batch
            batch, events, event_lines = (
                ParsedBatch(lines_read=batch.lines_read, bytes_read=batch.bytes_read),
                [],
                [],
            )
            entries = 0
    batch.events = _event_batch(events, event_lines if keep_lines else None)
    yield batch


def _event_batch(events: list[LogEvent], lines: list[bytes] | None) -> EventBatch | None:
    return batch_of_events(events, attrgetter("contact_ref"), lines=lines) if events else None


def _standard_input_descriptor() -> int | None:
    """A copy of standard input's file descriptor for the reader process (which gets /dev/null as
    its own standard input), or None when standard input is not a file."""
    try:
        return os.dup(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _read_and_parse(source: str | int, batch_size: int, batches) -> None:
    """The reader process: parse the lines of a file (a path, or a descriptor) and pass them on,
    batches of events in marshal's format (far quicker to pass between processes than pickled
    objects; version 2, without shared references, is the quickest to write)."""
    gc.disable()  # what the reader makes holds no cycles (see garbage_collected_per_batch)
    try:
        source = open(source, "rb")  # noqa: SIM115  (the process ends when it is read)
        for batch in _parsed_batches(source, batch_size, keep_lines=True):
            if batch.events is not None:
                batch.events = marshal.dumps(batch.events.to_plain(), 2)
            batches.put(batch)
        batches.put(None)
    except BaseException as exc:  # the writer must hear of it, whatever it is
        batches.put(f"{type(exc).__name__}: {exc}")


def _received_batches(batches, reader) -> Iterator[ParsedBatch]:
    while True:
        try:
            message = batches.get(timeout=5)
        except queue.Empty:
            if not reader.is_alive():
                raise RuntimeError("the reader process stopped without a word") from None
            continue
        if message is None:
            return
        if isinstance(message, str):
            raise RuntimeError(f"reading the log failed: {message}")
        if message.events is not None:
            message.events = EventBatch.from_plain(marshal.loads(message.events))
        yield message


def _import_batches(
    workspace: Workspace,
    batches: Iterable[ParsedBatch],
    skip_bad_lines: bool,
    on_batch: Callable[[ImportSummary], None] | None,
    batch_size: int,
) -> ImportSummary:
    summary = ImportSummary()
    try:
        with transaction.atomic(), garbage_collected_per_batch():
            prepare_for_bulk_writes()
            refresh_statistics(tables_an_import_reads(), rough=True)
            writer = LogWriter(workspace, summary, batch_size, bulk=True)
            for batch in batches:
                rejecting = summary.bad_line_count and not skip_bad_lines
                bad = list(batch.bad)
                if not (rejecting or bad and not skip_bad_lines):
                    for number, record in batch.records:
                        try:
                            writer.apply_record(record)
                        except BadLine as exc:
                            bad.append((number, exc.reason))
                for number, reason in sorted(bad):
                    summary.add_bad_line(number, reason)
                if batch.events is not None and (not summary.bad_line_count or skip_bad_lines):
                    writer.write(batch.events)
                summary.lines_read, summary.bytes_read = batch.lines_read, batch.bytes_read
                if on_batch is not None:
                    on_batch(summary)
            if summary.bad_line_count and not skip_bad_lines:
                raise _Rejected
            writer.finish()
            refresh_statistics(tables_read_from_followers())
            refresh_statistics([Event], rough=True)  # for the look-ups of the next import or API call
    except _Rejected:
        summary.rejected = True
        summary.events_taken = summary.duplicates_skipped = summary.records_applied = 0
    if on_batch is not None:
        on_batch(summary)
    return summary


@dataclass
class BatchResult:
    events_taken: int
    duplicates_skipped: int
    records_applied: int


def append_log_objects(workspace: Workspace, objects: list) -> BatchResult:
    """The events API: decoded JSON objects, all taken or none. Raises BadBatch listing each bad one."""
    items, bad = [], []
    for index, obj in enumerate(objects):
        try:
            items.append(parse_log_object(obj))
        except BadLine as exc:
            bad.append((index, exc.reason))
    if bad:
        raise BadBatch(bad)
    summary = ImportSummary()
    with transaction.atomic():
        writer = LogWriter(workspace, summary)
        for index, item in enumerate(items):
            if isinstance(item, LogEvent):
                writer.add_events([item])
                continue
            try:
                writer.apply_record(item)
            except BadLine as exc:
                bad.append((index, exc.reason))
        if bad:
            transaction.set_rollback(True)
            raise BadBatch(bad)
        writer.finish()
    return BatchResult(summary.events_taken, summary.duplicates_skipped, summary.records_applied)


class BadBatch(Exception):
    def __init__(self, bad: list[tuple[int, str]]):
        super().__init__(f"{len(bad)} bad events")
        self.bad = bad
