"""Importing a support log (JSON Lines, shared spec events.md), streamed in batches.

The whole import is one transaction: a file with a bad line (unless told to skip bad lines) is
rejected whole and nothing is written. Only one batch of events is in memory at a time.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from concierge.core.errors import ServiceError
from concierge.events.bulk_sql import prepare_for_bulk_writes
from concierge.events.parsing import (
    BadLine,
    ContactRecord,
    LogEvent,
    MessageRecord,
    parse_log_line,
    parse_log_object,
)
from concierge.events.services.log import ContactDirectory, append_events
from concierge.events.services.records import apply_contact_record, describe_message
from concierge.workspaces.models import Workspace

BATCH_SIZE = 20_000
MAX_BAD_LINES_LISTED = 1_000


@dataclass
class ImportSummary:
    events_taken: int = 0
    duplicates_skipped: int = 0
    records_applied: int = 0
    lines_read: int = 0
    bad_line_count: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number or index, reason)
    rejected: bool = False

    def add_bad_line(self, number: int, reason: str) -> None:
        self.bad_line_count += 1
        if len(self.bad_lines) < MAX_BAD_LINES_LISTED:
            self.bad_lines.append((number, reason))


class LogWriter:
    """Takes parsed events and records in any order and writes them in batches."""

    def __init__(self, workspace: Workspace, summary: ImportSummary, batch_size: int = BATCH_SIZE):
        self.workspace = workspace
        self.summary = summary
        self.batch_size = batch_size
        self.contacts = ContactDirectory(workspace)
        self.pending: list[LogEvent] = []

    def add(self, item: LogEvent | MessageRecord | ContactRecord) -> None:
        if isinstance(item, LogEvent):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self.flush()
        elif isinstance(item, MessageRecord):
            describe_message(self.workspace, item)
            self.summary.records_applied += 1
        else:
            contact = apply_contact_record(self.workspace, item)
            self.contacts.remember(item.external_id, contact.pk)
            self.summary.records_applied += 1

    def flush(self) -> None:
        if not self.pending:
            return
        ids = self.contacts.ids_for({e.contact_ref for e in self.pending})
        for event in self.pending:
            event.contact_id = ids[event.contact_ref]
        taken, duplicates = append_events(self.workspace, self.pending)
        self.summary.events_taken += len(taken)
        self.summary.duplicates_skipped += duplicates
        self.pending = []


class _Rejected(Exception):
    pass


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
    summary = ImportSummary()
    try:
        with transaction.atomic():
            prepare_for_bulk_writes()
            writer = LogWriter(workspace, summary, batch_size)
            for number, raw in enumerate(lines, 1):
                summary.lines_read = number
                try:
                    item = parse_log_line(raw)
                    if item is None or (summary.bad_line_count and not skip_bad_lines):
                        continue
                    _add_in_savepoint_if_record(writer, item)
                except BadLine as bad:
                    summary.add_bad_line(number, bad.reason)
                if on_batch is not None and number % batch_size == 0:
                    on_batch(summary)
            if summary.bad_line_count and not skip_bad_lines:
                raise _Rejected
            writer.flush()
    except _Rejected:
        summary.rejected = True
        summary.events_taken = summary.duplicates_skipped = summary.records_applied = 0
    if on_batch is not None:
        on_batch(summary)
    return summary


def _add_in_savepoint_if_record(writer: LogWriter, item) -> None:
    if isinstance(item, LogEvent):
        writer.add(item)
        return
    try:
        with transaction.atomic():
            writer.add(item)
    except ServiceError as exc:
        raise BadLine(exc.message) from exc


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
            try:
                _add_in_savepoint_if_record(writer, item)
            except BadLine as exc:
                bad.append((index, exc.reason))
        if bad:
            transaction.set_rollback(True)
            raise BadBatch(bad)
        writer.flush()
    return BatchResult(summary.events_taken, summary.duplicates_skipped, summary.records_applied)


class BadBatch(Exception):
    def __init__(self, bad: list[tuple[int, str]]):
        super().__init__(f"{len(bad)} bad events")
        self.bad = bad
