"""Keeping the funnel report's rollups in step with the event log, in the transaction that appends
the events. Events may arrive in any order: the result is always as if all had arrived at once."""

from collections.abc import Callable, Container

from django.db import transaction

from concierge.contacts.models import Contact
from concierge.core.db import lock_rows, run_alongside
from concierge.reports.rollup_input import RollupInput
from concierge.reports.services.conversation_facts import conversation_writes, merge_conversation_changes
from concierge.reports.services.day_totals import DayTotalsChange
from concierge.reports.services.outbound import load_outbound, outbound_writes
from concierge.reports.services.sessions import (
    LatestStarts,
    load_sessions_around,
    recompute_sessions,
)
from concierge.workspaces.models import Workspace


def apply_rollup_input(
    workspace: Workspace,
    gathered: RollupInput,
    totals_to: DayTotalsChange,
    *,
    private_contacts: Container[int] = (),
    alongside: Callable[[], None] | None = None,
    latest_starts: LatestStarts | None = None,
) -> None:
    """Fold newly appended events, gathered by contact id (reports.rollup_input), into the rollups.
    Must run in the transaction that appended them.
    `totals_to`: where the day totals' change is added, for the caller to save in the same
    transaction (in the zone zone_for_writing gave in it; a long import saves it once, at the end:
    the rollups never read the totals).
    `private_contacts`: contacts this transaction created; no other writer can see them, so they
    are not locked (an import of a new workspace's history would lock every contact for nothing).
    `alongside`: database work to run on another thread while the rollups are worked out in memory,
    between their reads and their writes (the log's insert: see core.db.run_alongside); when it
    raises, nothing is written and nothing is added to `totals_to` or `latest_starts`.
    `latest_starts`: kept by a writer of many batches in one transaction (made with the same
    `private_contacts`), it spares most lookups of contacts' sessions and conversations."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("rollups must change in the transaction that appends their events")
    if not gathered.contacts:
        if alongside is not None:
            alongside()
        return
    totals = DayTotalsChange(totals_to.zone_name)
    event_contacts = gathered.contacts
    _lock_contacts(sorted(c for c in event_contacts if c not in private_contacts))
    changed = merge_conversation_changes(workspace.pk, gathered.conversations)
    # A conversation's events normally name its contact; when one names another, lock that one too.
    conversation_contacts = {row.state.contact_id for _, row in changed.values()}
    conversation_contacts |= {old.state.contact_id for old, _ in changed.values() if old is not None}
    _lock_contacts(
        sorted(c for c in conversation_contacts - event_contacts - {None} if c not in private_contacts)
    )
    anchors = _anchors(gathered.actions, changed)
    if latest_starts is None:
        latest_starts = LatestStarts()
    stored_sessions = load_sessions_around(anchors, changed, latest_starts)
    stored_outbound = load_outbound(workspace.pk, gathered.sends, gathered.engagements)
    with run_alongside(alongside):
        placed, session_writes = recompute_sessions(
            workspace.pk, stored_sessions, gathered.actions, changed, totals
        )
        placed_refs = {row.state.ref for _, row in placed}
        for _, row in changed.values():
            if row.state.ref not in placed_refs:
                row.place_in_session(None, "")
                placed.append(changed[row.state.ref])
        writes = (
            session_writes,
            conversation_writes(workspace.pk, placed, totals),
            outbound_writes(workspace.pk, stored_outbound, totals),
        )
    for write in writes:
        write.save()
    latest_starts.remember(session_writes.latest_starts, _conversation_starts(placed))
    totals_to.add(totals)


def _anchors(actions: dict[int, list[tuple[int, str]]], changed) -> dict[int, int]:
    """Each touched contact's anchor: the earliest instant the batch touches (its new seeking actions
    and the starts of its changed conversations, before and after the change)."""
    anchors = {contact_id: min(contact_actions)[0] for contact_id, contact_actions in actions.items()}
    for old, row in changed.values():
        for state in (old.state if old else None, row.state):
            if state is not None and state.contact_id is not None and state.started_us is not None:
                contact_id, at_us = state.contact_id, state.started_us
                if contact_id not in anchors or at_us < anchors[contact_id]:
                    anchors[contact_id] = at_us
    return anchors


def _conversation_starts(placed) -> dict[int, int]:
    """Each contact's latest start among the conversations written for it."""
    starts: dict[int, int] = {}
    for _, row in placed:
        contact_id, started_us = row.state.contact_id, row.state.started_us
        if (
            contact_id is not None
            and started_us is not None
            and started_us > starts.get(contact_id, started_us - 1)
        ):
            starts[contact_id] = started_us
    return starts


def _lock_contacts(contact_ids: list[int]) -> None:
    """Writers of one contact's rollups queue behind each other."""
    lock_rows(Contact, contact_ids)
