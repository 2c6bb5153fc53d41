"""Per-conversation facts: merged from a batch of new events, and written back with their session."""

from dataclasses import dataclass, replace

from concierge.core.db import chunked, execute_many, insert_rows, one_of, select, table
from concierge.reports.funnel import GROUP_OF_STATUS, ConversationState, duration_bin
from concierge.reports.models import ConversationFacts
from concierge.reports.rollup_input import ConversationChange

STATE_COLUMNS = (
    "contact_id",
    "started_us",
    "initiator",
    "bot_answered",
    "first_teammate_reply_us",
    "last_closed_us",
    "last_close_by",
    "last_reopened_us",
    "rating",
    "rated_us",
)
SESSION_COLUMNS = (
    "session_start_us",
    "session_status",
    "human_supported",
    "bot_resolved",
    "report_group",
    "first_response_bin",
    "time_to_close_bin",
)
SELECTED = ", ".join(("id", "conversation_ref", *STATE_COLUMNS, *SESSION_COLUMNS))


@dataclass(slots=True)
class ConversationRow:
    """A ConversationFacts row in memory: the merged state and what the report derives with its session."""

    id: int | None
    state: ConversationState
    session_start_us: int | None = None
    session_status: str = ""
    human_supported: bool = False
    bot_resolved: bool = False
    report_group: str | None = None
    first_response_bin: int | None = None
    time_to_close_bin: int | None = None

    @property
    def rating(self) -> int | None:
        return self.state.rating

    def snapshot(self) -> "ConversationRow":
        return replace(self, state=replace(self.state))

    def place_in_session(self, session_start_us: int | None, session_status: str) -> None:
        state = self.state
        self.session_start_us = session_start_us
        self.session_status = session_status
        self.human_supported = state.human_supported
        self.bot_resolved = state.bot_resolved
        self.report_group = GROUP_OF_STATUS.get(session_status) if state.human_supported else None
        first_response, time_to_close = state.first_response_us, state.time_to_close_us
        self.first_response_bin = None if first_response is None else duration_bin(first_response)
        self.time_to_close_bin = None if time_to_close is None else duration_bin(time_to_close)

    def columns(self) -> tuple:
        s = self.state
        return (
            s.contact_id,
            s.started_us,
            s.initiator,
            s.bot_answered,
            s.first_teammate_reply_us,
            s.last_closed_us,
            s.last_close_by,
            s.last_reopened_us,
            s.rating,
            s.rated_us,
            self.session_start_us,
            self.session_status,
            self.human_supported,
            self.bot_resolved,
            self.report_group,
            self.first_response_bin,
            self.time_to_close_bin,
        )


def _row_from_select(values: tuple) -> ConversationRow:
    state = ConversationState(
        ref=values[1],
        contact_id=values[2],
        started_us=values[3],
        initiator=values[4],
        bot_answered=bool(values[5]),
        first_teammate_reply_us=values[6],
        last_closed_us=values[7],
        last_close_by=values[8],
        last_reopened_us=values[9],
        rating=values[10],
        rated_us=values[11],
    )
    return ConversationRow(
        id=values[0],
        state=state,
        session_start_us=values[12],
        session_status=values[13],
        human_supported=bool(values[14]),
        bot_resolved=bool(values[15]),
        report_group=values[16],
        first_response_bin=values[17],
        time_to_close_bin=values[18],
    )


def conversations_by_refs(workspace_id: int, refs: list[str]) -> dict[str, ConversationRow]:
    rows = {}
    for chunk in chunked(refs):
        condition, params = one_of("conversation_ref", chunk)
        for values in select(
            f"SELECT {SELECTED} FROM {table(ConversationFacts)} WHERE workspace_id = %s AND {condition}",
            [workspace_id, *params],
        ):
            rows[values[1]] = _row_from_select(values)
    return rows


def conversations_of_contacts_since(contact_ids, since_us: int) -> list[ConversationRow]:
    condition, params = one_of("contact_id", contact_ids)
    return [
        _row_from_select(values)
        for values in select(
            f"SELECT {SELECTED} FROM {table(ConversationFacts)} WHERE {condition} AND started_us >= %s",
            [*params, since_us],
        )
    ]


def merge_conversation_changes(
    workspace_id: int, changes: dict[str, ConversationChange]
) -> dict[str, tuple[ConversationRow | None, ConversationRow]]:
    """The conversations a batch changes (gathered by contact id: reports.rollup_input), merged
    into their stored rows: ref -> (the row as stored or None when new, the row now)."""
    if not changes:
        return {}
    stored = conversations_by_refs(workspace_id, sorted(changes))
    merged = {}
    for ref, change in changes.items():
        row = stored.get(ref)
        old, new = (row.snapshot(), row) if row else (None, ConversationRow(None, ConversationState(ref)))
        new.state.absorb(change.merged)
        for at_us, initiator, contact_id in change.starts:
            new.state.merge_start(at_us, initiator, contact_id)
        if old is None or old.state != new.state:
            merged[ref] = (old, new)
    return merged


class ConversationWrites:
    """ConversationFacts rows to update and insert."""

    def __init__(self):
        self.updates: list[tuple] = []
        self.inserts: list[tuple] = []

    def save(self) -> None:
        columns = (*STATE_COLUMNS, *SESSION_COLUMNS)
        execute_many(
            f"UPDATE {table(ConversationFacts)} SET {', '.join(f'{c} = %s' for c in columns)} WHERE id = %s",
            self.updates,
        )
        insert_rows(ConversationFacts, ("workspace_id", "conversation_ref", *columns), self.inserts)


def conversation_writes(
    workspace_id: int, changed: list[tuple[ConversationRow | None, ConversationRow]], totals
) -> ConversationWrites:
    """The rows that differ from what is stored, counted in the day totals."""
    writes = ConversationWrites()
    for old, new in changed:
        if old is not None and old.columns() == new.columns():
            continue
        if old is not None:
            totals.count_conversation(old, -1)
        totals.count_conversation(new, 1)
        if new.id is None:
            writes.inserts.append((workspace_id, new.state.ref, *new.columns()))
        else:
            writes.updates.append((*new.columns(), new.id))
    return writes
