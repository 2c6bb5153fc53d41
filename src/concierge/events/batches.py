"""A batch of events on its way into the log, in the shape the log's writer takes it.

Everything here is worked out without the database, so the importer's reader process does it while
the writer writes the batch before:

- each event's log row, prepared (prepare_log_rows) and ordered by event id: the log's
  unique index on ids then takes a batch's keys in order, which costs the database markedly less
  than taking them at random;
- the contacts the batch names, each once;
- the batch's events as each of the log's followers gathers them (events.followers): for the funnel
  report's rollups, by contact and conversation.

The events themselves stay with the batch (or the lines they were read from, parsed again only when
needed) for the rare batch that meets ids already in the log and is written again without them.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import orjson

from concierge.core.db import instants_from_us, row_preparer, time_text_as_stored
from concierge.events.followers import Gathered, gather_for_followers, gathered_from_plain, gathered_to_plain
from concierge.events.parsing import LogEvent, parse_log_line

# The columns of an event's prepared log row (LogEvent.log_row), in order.
LOG_ROW_COLUMNS = ("type", "at", "conversation_ref", "message_ref", "data", "external_id")


@dataclass(slots=True)
class EventBatch:
    """`contacts`: the batch's contacts, by the key its events name them with (external ids in an
    import, ids in the product); `log_rows` (index into `contacts`, prepared log row) by event id;
    `gathered`: each follower's gathered input, in the registry's order, contacts keyed by index
    into `contacts`."""

    contacts: list[Hashable]
    log_rows: list[tuple[int, object]]
    gathered: tuple[Gathered, ...]
    event_count: int
    events: list[LogEvent] | None = None
    lines: bytes | None = None  # the events' lines, each ending in a line feed, when `events` is None

    def parsed_events(self) -> list[LogEvent]:
        if self.events is None:
            self.events = [parse_log_line(line) for line in self.lines.split(b"\n")[:-1]]
        return self.events

    def to_plain(self) -> tuple:
        """Only tuples, lists, dicts, bytes, strings and numbers (for marshal, between processes);
        the events travel as their lines."""
        return (self.contacts, self.log_rows, gathered_to_plain(self.gathered), self.event_count, self.lines)

    @classmethod
    def from_plain(cls, plain: tuple) -> "EventBatch":
        contacts, log_rows, gathered, event_count, lines = plain
        return cls(contacts, log_rows, gathered_from_plain(gathered), event_count, lines=lines)


def batch_of_events(
    events: list[LogEvent], contact_key: Callable[[LogEvent], Hashable], *, lines: list[bytes] | None = None
) -> EventBatch:
    """The batch of these events, each naming its contact by `contact_key`. With `lines` (the events'
    lines as read), the batch keeps those instead of the events."""
    prepare_log_rows(events)
    index_of: dict[Hashable, int] = {}
    for event in events:
        index_of.setdefault(contact_key(event), len(index_of))
    log_rows = [
        (index_of[contact_key(event)], event.log_row) for event in sorted(events, key=_by_external_id)
    ]
    return EventBatch(
        contacts=list(index_of),
        log_rows=log_rows,
        gathered=gather_for_followers(events, lambda event: index_of[contact_key(event)]),
        event_count=len(events),
        events=None if lines is not None else events,
        lines=None
        if lines is None
        else b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines),
    )


def prepare_log_rows(events: list[LogEvent]) -> None:
    """Set each event's log row (LOG_ROW_COLUMNS, see core.db.row_preparer), where not set yet. The
    importer's reader process does it, so the writer need not."""
    unprepared = [e for e in events if e.log_row is None]
    if not unprepared:
        return
    dumps = orjson.dumps
    prepare = row_preparer()
    as_stored = time_text_as_stored()
    formatted = iter(instants_from_us([e.at_us for e in unprepared if e.utc_text is None]))
    for event in unprepared:
        event.log_row = prepare(
            (
                event.type,
                str(next(formatted)) if event.utc_text is None else as_stored(event.utc_text),
                event.conversation_ref,
                event.message_ref,
                dumps(event.data).decode(),
                event.external_id,
            )
        )


def _by_external_id(event: LogEvent) -> str:
    return event.external_id or ""
