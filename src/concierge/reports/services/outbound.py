"""Proactive sends and their (message, contact) pairs' engagement, from a batch of new events."""

from collections import defaultdict
from dataclasses import dataclass, replace

from concierge.core.db import chunked, execute_many, insert_rows, one_of, select, table
from concierge.reports.models import OutboundPair, OutboundSend


@dataclass(slots=True)
class SendRow:
    id: int | None
    contact_id: int
    message_ref: str
    at_us: int
    prev_at_us: int | None
    opened: bool
    clicked: bool
    reacted: bool

    def columns(self) -> tuple:
        return (self.prev_at_us, self.opened, self.clicked, self.reacted)


@dataclass(slots=True)
class PairRow:
    id: int | None
    opened: bool = False
    clicked: bool = False
    reacted: bool = False

    def flags(self) -> tuple[bool, bool, bool]:
        return (self.opened, self.clicked, self.reacted)


@dataclass(slots=True)
class StoredOutbound:
    """A batch's sends and engagements (opened, clicked, reacted), and the stored pairs and sends of
    the (contact, message) pairs they touch."""

    sends: list
    engagements: list
    touched: set
    pairs: dict
    stored_sends: dict


def load_outbound(workspace_id: int, sends: list, engagements: list) -> StoredOutbound:
    """A batch's sends (contact, message, at_us) and engagements (contact, message, flag), and what
    is stored of the pairs they touch."""
    touched = {(contact_id, message) for contact_id, message, _ in sends}
    touched.update((contact_id, message) for contact_id, message, _ in engagements)
    pairs, stored_sends = _load(workspace_id, touched) if touched else ({}, {})
    return StoredOutbound(sends, engagements, touched, pairs, stored_sends)


class OutboundWrites:
    def __init__(self, workspace_id: int):
        self.workspace_id = workspace_id
        self.send_updates: list[tuple] = []
        self.send_inserts: list[tuple] = []
        self.pairs: dict = {}
        self.old_flags: dict = {}

    def save(self) -> None:
        execute_many(
            f"UPDATE {table(OutboundSend)} SET prev_at_us = %s, opened = %s, clicked = %s, reacted = %s "
            "WHERE id = %s",
            self.send_updates,
        )
        insert_rows(
            OutboundSend,
            (
                "workspace_id",
                "contact_id",
                "message_ref",
                "at_us",
                "prev_at_us",
                "opened",
                "clicked",
                "reacted",
            ),
            self.send_inserts,
        )
        _save_pairs(self.workspace_id, self.pairs, self.old_flags)


def outbound_writes(workspace_id: int, stored: StoredOutbound, totals) -> OutboundWrites:
    """Fold a batch's sends and engagements into what load_outbound read, without the database."""
    writes = OutboundWrites(workspace_id)
    if not stored.touched:
        return writes
    pairs = writes.pairs = stored.pairs
    writes.old_flags = {key: pair.flags() for key, pair in pairs.items()}
    for contact_id, message_ref, flag in stored.engagements:
        pair = pairs.setdefault((contact_id, message_ref), PairRow(None))
        setattr(pair, flag, True)
    new_sends = defaultdict(list)
    for contact_id, message_ref, at_us in stored.sends:
        pairs.setdefault((contact_id, message_ref), PairRow(None))
        new_sends[(contact_id, message_ref)].append(
            SendRow(None, contact_id, message_ref, at_us, None, False, False, False)
        )
    for key in sorted(stored.touched):
        pair = pairs[key]
        rows = [(replace(row), row) for row in stored.stored_sends.get(key, [])]
        rows += [(None, row) for row in new_sends.get(key, [])]
        rows.sort(
            key=lambda pair_of_rows: (pair_of_rows[1].at_us, pair_of_rows[0] is None, pair_of_rows[1].id or 0)
        )
        prev_at = None
        for old, row in rows:
            row.prev_at_us = prev_at
            row.opened, row.clicked, row.reacted = pair.flags()
            prev_at = row.at_us
            if old is None:
                writes.send_inserts.append(
                    (workspace_id, row.contact_id, row.message_ref, row.at_us, *row.columns())
                )
            elif old.columns() != row.columns():
                writes.send_updates.append((*row.columns(), row.id))
                totals.count_send(old, -1)
            else:
                continue
            totals.count_send(row, 1)
    return writes


def _load(workspace_id: int, touched: set) -> tuple[dict, dict]:
    # Pairs by workspace and contact (their only index, the unique key, leads with the workspace);
    # sends by contact alone (their index leads with the contact, a contact has one workspace).
    pairs, sends = {}, defaultdict(list)
    for chunk in chunked(sorted({contact_id for contact_id, _ in touched})):
        condition, params = one_of("contact_id", chunk)
        for pair_id, contact_id, message_ref, opened, clicked, reacted in select(
            f"SELECT id, contact_id, message_ref, opened, clicked, reacted FROM {table(OutboundPair)} "
            f"WHERE workspace_id = %s AND {condition}",
            [workspace_id, *params],
        ):
            if (contact_id, message_ref) in touched:
                pairs[(contact_id, message_ref)] = PairRow(
                    pair_id, bool(opened), bool(clicked), bool(reacted)
                )
        for values in select(
            f"SELECT id, contact_id, message_ref, at_us, prev_at_us, opened, clicked, reacted "
            f"FROM {table(OutboundSend)} WHERE {condition}",
            params,
        ):
            if (values[1], values[2]) in touched:
                sends[(values[1], values[2])].append(SendRow(*values[:5], *(bool(v) for v in values[5:])))
    return pairs, sends


def _save_pairs(workspace_id: int, pairs: dict, old_flags: dict) -> None:
    inserts = [
        (workspace_id, contact_id, message_ref, *pair.flags())
        for (contact_id, message_ref), pair in sorted(pairs.items())
        if pair.id is None
    ]
    updates = [
        (*pair.flags(), pair.id)
        for key, pair in pairs.items()
        if pair.id is not None and old_flags[key] != pair.flags()
    ]
    execute_many(
        f"UPDATE {table(OutboundPair)} SET opened = %s, clicked = %s, reacted = %s WHERE id = %s", updates
    )
    insert_rows(
        OutboundPair, ("workspace_id", "contact_id", "message_ref", "opened", "clicked", "reacted"), inserts
    )
