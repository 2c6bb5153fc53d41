"""Support sessions per contact, recomputed from the earliest instant a batch of events touches.

A contact's sessions before that instant cannot change (a session's bounds depend only on earlier
actions), so only the session holding it and the later ones are re-chained, from the actions they
keep, plus the new ones. The conversations started from then on are placed in the new sessions.

Rows are looked up by contact alone: a contact belongs to one workspace, and a workspace condition
beside it tempts the query planner into reading all of the workspace's rows.
"""

from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass

from concierge.contacts.models import Contact
from concierge.events.bulk_sql import chunked, execute_many, insert_rows, one_of, select, table
from concierge.reports.funnel import DAY_US, sessions_of_contact
from concierge.reports.models import SupportSession
from concierge.reports.services.conversation_facts import ConversationRow, conversations_of_contacts_since

SESSION_COLUMNS = (
    "prev_start_us",
    "status",
    "actions",
    "article_views",
    "article_views_resolved",
    "bot_answered",
    "bot_resolved",
)


@dataclass(slots=True)
class StoredSession:
    id: int
    contact_id: int
    start_us: int
    prev_start_us: int | None
    status: str
    actions_text: str
    article_views: int
    article_views_resolved: int
    bot_answered: bool
    bot_resolved: bool

    def columns(self) -> tuple:
        return (
            self.prev_start_us,
            self.status,
            self.actions_text,
            self.article_views,
            self.article_views_resolved,
            self.bot_answered,
            self.bot_resolved,
        )


def encode_actions(actions: list[tuple[int, str]]) -> str:
    return ";".join(f"{at}{kind}" for at, kind in actions)


def decode_actions(text: str) -> list[tuple[int, str]]:
    return [(int(item[:-1]), item[-1]) for item in text.split(";")] if text else []


def _outcome_columns(outcome) -> tuple:
    return (
        outcome.prev_start_us,
        outcome.status,
        encode_actions(outcome.actions),
        outcome.article_views,
        outcome.article_views_resolved,
        outcome.bot_answered,
        outcome.bot_resolved,
    )


def _sessions_ending_after(contact_ids, floor_us: int) -> dict[int, list[StoredSession]]:
    # A session ends exactly a day after it starts: asked by its start, the lookup is a range of the
    # (contact, start) index, and the rows of older sessions are never read.
    sessions = defaultdict(list)
    condition, params = one_of("contact_id", contact_ids)
    for values in select(
        f"SELECT id, contact_id, start_us, {', '.join(SESSION_COLUMNS)} FROM {table(SupportSession)} "
        f"WHERE {condition} AND start_us > %s ORDER BY contact_id, start_us",
        [*params, floor_us - DAY_US],
    ):
        sessions[values[1]].append(
            StoredSession(*values[:8], bot_answered=bool(values[8]), bot_resolved=bool(values[9]))
        )
    return sessions


def _latest_session_starts(contact_ids) -> dict[int, int]:
    """Each contact's latest session start: one step down the (contact, start) index per contact,
    where a grouped MAX would read every session of each contact."""
    if not contact_ids:
        return {}
    condition, params = one_of("id", contact_ids)
    sessions = table(SupportSession)
    return {
        contact_id: start_us
        for contact_id, start_us in select(
            f"SELECT id, (SELECT MAX(start_us) FROM {sessions} WHERE {sessions}.contact_id = contact.id) "
            f"FROM {table(Contact)} contact WHERE {condition}",
            params,
        )
        if start_us is not None
    }


class SessionWrites:
    """Session rows to delete, update and insert, written in that order."""

    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id
        self.deletes: list[tuple] = []
        self.updates: list[tuple] = []
        self.inserts: list[tuple] = []
        self.latest_starts: dict[int, int | None] = {}  # contact -> its latest session start after

    def save(self) -> None:
        name = table(SupportSession)
        execute_many(f"DELETE FROM {name} WHERE id = %s", self.deletes)
        execute_many(
            f"UPDATE {name} SET {', '.join(f'{c} = %s' for c in SESSION_COLUMNS)} WHERE id = %s", self.updates
        )
        insert_rows(
            SupportSession,
            ("workspace_id", "contact_id", "start_us", "end_us", *SESSION_COLUMNS),
            self.inserts,
        )


class LatestSessionStarts:
    """Each contact's latest stored session start, as one transaction has read or written it, kept
    across its batches: an import asks again for most contacts (a contact's later sessions come in
    later batches), and at a million sessions those lookups were a tenth of the database's work.

    It stays right to the end of the transaction: the rollups lock every contact they touch, and no
    other writer can see the contacts the transaction created (`private_contacts`), which have no
    sessions but those written here. Bounded: when it outgrows LIMIT it starts again, and what it
    has forgotten is looked up."""

    LIMIT = 500_000

    def __init__(self, private_contacts: Container[int] = ()):
        self.private_contacts = private_contacts
        self.starts: dict[int, int | None] = {}
        self.complete = True  # every session this transaction wrote is in `starts`

    def known(self, contact_id: int) -> bool:
        return contact_id in self.starts or (self.complete and contact_id in self.private_contacts)

    def get(self, contact_id: int) -> int | None:
        return self.starts.get(contact_id)

    def remember(self, starts: dict[int, int | None]) -> None:
        """Learn contacts' latest starts, as written (SessionWrites.latest_starts)."""
        if len(self.starts) + len(starts) > self.LIMIT:
            self.starts.clear()
            self.complete = False
        self.starts.update(starts)


@dataclass(slots=True)
class StoredAround:
    """What the database holds around a batch's anchors, per contact: the stored sessions the batch
    may change, the latest earlier session's start where none is affected, and the stored
    conversations (not changed by the batch) that start from the recomputed span on."""

    affected: dict[int, list[StoredSession]]
    latest: dict[int, int]
    conversations: dict[int, list[ConversationRow]]


def load_sessions_around(
    anchors: dict[int, int],
    changed_conversations: dict[str, tuple[ConversationRow | None, ConversationRow]],
    latest_starts: LatestSessionStarts,
) -> StoredAround:
    """Every read recompute_sessions needs, so that it can run without the database."""
    around = StoredAround({}, {}, defaultdict(list))
    for chunk in chunked(sorted(anchors)):
        stored = _sessions_ending_after(chunk, min(anchors[c] for c in chunk))
        affected = {c: [s for s in stored.get(c, ()) if s.start_us + DAY_US > anchors[c]] for c in chunk}
        around.affected.update(affected)
        unknown = []
        for contact_id in (c for c in chunk if not affected[c]):
            if not latest_starts.known(contact_id):
                unknown.append(contact_id)
            elif (start := latest_starts.get(contact_id)) is not None:
                around.latest[contact_id] = start
        around.latest.update(_latest_session_starts(unknown))
        recompute_from = {
            c: min(anchors[c], affected[c][0].start_us) if affected[c] else anchors[c] for c in chunk
        }
        for row in conversations_of_contacts_since(chunk, min(recompute_from.values())):
            if (
                row.state.ref not in changed_conversations
                and row.state.started_us >= recompute_from[row.state.contact_id]
            ):
                around.conversations[row.state.contact_id].append(row)
    return around


def recompute_sessions(
    workspace_id: int,
    around: StoredAround,
    new_actions: dict[int, list[tuple[int, str]]],
    changed_conversations: dict[str, tuple[ConversationRow | None, ConversationRow]],
    totals,
) -> tuple[list[tuple[ConversationRow | None, ConversationRow]], SessionWrites]:
    """Re-chain each anchored contact's sessions from its anchor (the earliest instant the batch
    touches) and place its conversations, without the database (load_sessions_around read it).
    Returns every conversation row placed anew, as (stored, now), and the session rows to write
    (with each contact's latest start once they are written, for LatestSessionStarts)."""
    changed_by_contact = defaultdict(list)
    for old, row in changed_conversations.values():
        if row.state.contact_id is not None and row.state.started_us is not None:
            changed_by_contact[row.state.contact_id].append((old, row))
    placed: list[tuple[ConversationRow | None, ConversationRow]] = []
    writes = SessionWrites(workspace_id)
    for contact_id, affected in around.affected.items():
        rows = [(row.snapshot(), row) for row in around.conversations.get(contact_id, ())]
        rows += changed_by_contact.get(contact_id, [])
        prev_start = affected[0].prev_start_us if affected else around.latest.get(contact_id)
        actions = [a for s in affected for a in decode_actions(s.actions_text)]
        actions += new_actions.get(contact_id, [])
        outcomes = sessions_of_contact(actions, [row.state for _, row in rows], prev_start)
        _place_conversations(rows, outcomes)
        placed.extend(rows)
        _diff_sessions(contact_id, affected, outcomes, writes, totals)
        writes.latest_starts[contact_id] = _latest_start_after(
            outcomes, affected, around.latest.get(contact_id)
        )
    return placed, writes


def _latest_start_after(outcomes, affected: list[StoredSession], latest_unaffected: int | None) -> int | None:
    """A contact's latest session start once its recomputed sessions are written: they start after
    every session kept, so the last of them; without any, the latest one kept."""
    if outcomes:
        return outcomes[-1].start_us
    if affected:
        return affected[0].prev_start_us
    return latest_unaffected


def _place_conversations(rows, outcomes) -> None:
    session_of_state = {
        id(state): (outcome.start_us, outcome.status)
        for outcome in outcomes
        for state in outcome.conversations
    }
    for _, row in rows:
        row.place_in_session(*session_of_state.get(id(row.state), (None, "")))


def _diff_sessions(
    contact_id: int, stored: list[StoredSession], outcomes, writes: SessionWrites, totals
) -> None:
    stored_by_start = {s.start_us: s for s in stored}
    for outcome in outcomes:
        columns = _outcome_columns(outcome)
        old = stored_by_start.pop(outcome.start_us, None)
        if old is None:
            writes.inserts.append(
                (writes.workspace_id, contact_id, outcome.start_us, outcome.end_us, *columns)
            )
        elif old.columns() != columns:
            writes.updates.append((*columns, old.id))
            totals.count_session(old, -1)
        else:
            continue
        totals.count_session(outcome, 1)
    for old in stored_by_start.values():
        writes.deletes.append((old.id,))
        totals.count_session(old, -1)
