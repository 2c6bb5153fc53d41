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
from concierge.core.db import chunked, execute_many, insert_rows, one_of, select, table
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
    return ";".join([f"{at}{kind}" for at, kind in actions])


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


UNKNOWN = object()  # what LatestStarts.recall says of a start it does not know


class LatestStarts:
    """What one transaction knows of contacts' stored rollups, kept across its batches: each
    contact's latest session start, and for the contacts it created itself a bound on their latest
    conversation start. An import comes back to most contacts in later batches; with this memory it
    neither asks for their latest session again nor reads back sessions and conversations a batch
    cannot change (at a million sessions those lookups were a tenth of the database's work).

    It stays right to the end of the transaction: the rollups lock every contact they touch, and no
    other writer can see the contacts the transaction created (`private_contacts`), which have no
    sessions or conversations but those written here. Bounded: when either memory outgrows LIMIT
    contacts (about 50 MB) it starts again, and what it has forgotten is looked up."""

    LIMIT = 500_000

    def __init__(self, private_contacts: Container[int] = ()):
        self.private_contacts = private_contacts
        self.session_starts: dict[int, int | None] = {}
        # Contacts this transaction created: the latest start of a conversation written for each
        # (or later: a conversation that moved to another contact leaves it as it was).
        self.conversation_starts: dict[int, int] = {}
        self.complete = True  # every session and conversation this transaction wrote is remembered

    def recall(self, contact_id: int) -> tuple[bool, int | None, object]:
        """What is known of a contact: whether its latest session start is known, that start (None:
        it has no session), and the latest start of its stored conversations (None: it has none;
        or later, see conversation_starts; UNKNOWN)."""
        if self.complete and contact_id in self.private_contacts:
            return True, self.session_starts.get(contact_id), self.conversation_starts.get(contact_id)
        if contact_id in self.session_starts:
            return True, self.session_starts[contact_id], UNKNOWN
        return False, None, UNKNOWN

    def remember(self, session_starts: dict[int, int | None], conversation_starts: dict[int, int]) -> None:
        """Learn contacts' latest session starts, as written (SessionWrites.latest_starts), and the
        starts of conversations written."""
        if max(len(self.session_starts) + len(session_starts), len(self.conversation_starts)) > self.LIMIT:
            self.session_starts.clear()
            self.conversation_starts.clear()
            self.complete = False
        self.session_starts.update(session_starts)
        if self.complete:
            known = self.conversation_starts
            for contact_id, start in conversation_starts.items():
                if contact_id in self.private_contacts and start > known.get(contact_id, start - 1):
                    known[contact_id] = start


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
    memory: LatestStarts,
) -> StoredAround:
    """Every read recompute_sessions needs, so that it can run without the database: only what the
    memory cannot rule out (a session ending after the contact's anchor, a conversation starting
    from where its sessions are recomputed)."""
    around = StoredAround({}, {}, defaultdict(list))
    for chunk in chunked(sorted(anchors)):
        known = [(c, anchors[c], *memory.recall(c)) for c in chunk]
        to_read = [
            c
            for c, anchor, knows, start, _ in known
            if not knows or (start is not None and start + DAY_US > anchor)
        ]
        stored = _sessions_ending_after(to_read, min(anchors[c] for c in to_read)) if to_read else {}
        recompute_from, unknown = {}, []
        for contact_id, anchor, knows, start, _ in known:
            rows = stored.get(contact_id)
            affected = [s for s in rows if s.start_us + DAY_US > anchor] if rows else []
            around.affected[contact_id] = affected
            if affected:
                recompute_from[contact_id] = min(anchor, affected[0].start_us)
                continue
            recompute_from[contact_id] = anchor
            if not knows:
                unknown.append(contact_id)
            elif start is not None:
                around.latest[contact_id] = start
        around.latest.update(_latest_session_starts(unknown))
        to_read = [
            c
            for c, _, _, _, latest in known
            if latest is UNKNOWN or (latest is not None and latest >= recompute_from[c])
        ]
        if not to_read:
            continue
        for row in conversations_of_contacts_since(to_read, min(recompute_from[c] for c in to_read)):
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
    (with each contact's latest start once they are written, for LatestStarts)."""
    changed_by_contact = defaultdict(list)
    for old, row in changed_conversations.values():
        if row.state.contact_id is not None and row.state.started_us is not None:
            changed_by_contact[row.state.contact_id].append((old, row))
    placed: list[tuple[ConversationRow | None, ConversationRow]] = []
    writes = SessionWrites(workspace_id)
    for contact_id, affected in around.affected.items():
        stored_rows = around.conversations.get(contact_id)
        rows = [(row.snapshot(), row) for row in stored_rows] if stored_rows else []
        if contact_id in changed_by_contact:
            rows += changed_by_contact[contact_id]
        if affected:
            prev_start = affected[0].prev_start_us
            actions = [a for s in affected for a in decode_actions(s.actions_text)]
            actions += new_actions.get(contact_id, ())
        else:
            prev_start = around.latest.get(contact_id)
            actions = new_actions.get(contact_id, [])
        outcomes = sessions_of_contact(actions, [row.state for _, row in rows], prev_start)
        if rows:
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
    if not stored:  # the usual case: only new sessions
        for outcome in outcomes:
            writes.inserts.append(
                (
                    writes.workspace_id,
                    contact_id,
                    outcome.start_us,
                    outcome.end_us,
                    *_outcome_columns(outcome),
                )
            )
            totals.count_session(outcome, 1)
        return
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
