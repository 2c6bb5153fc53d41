"""Day totals: what each session, conversation and send adds to the report, summed per local day.

A change to a rollup row is counted as "minus the old row, plus the new one", netted per key in
memory and added to the totals tables in one statement per table. Totals never hold anything that
cannot be rebuilt from the row-level rollups, which is what a change of the workspace's zone does.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db import connection

from concierge.core.db import add_to_totals, read_with_shared_lock, select, table
from concierge.reports.funnel import DAY_US
from concierge.reports.models import (
    ConversationDayTotals,
    ConversationFacts,
    DurationDayHistogram,
    OutboundSend,
    ReturningDayTotals,
    RollupState,
    SendDayTotals,
    SessionDayTotals,
    SupportSession,
)
from concierge.workspaces.models import Workspace

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
NO_DAY = -1
SLOT_US = 15 * 60 * 1_000_000  # zones change offset on quarter hours (checked, not assumed)
FIRST_RESPONSE = "first_response"
TIME_TO_CLOSE = "time_to_close"
TOTALS_MODELS = (
    SessionDayTotals,
    ReturningDayTotals,
    ConversationDayTotals,
    DurationDayHistogram,
    SendDayTotals,
)


class LocalDays:
    """The local date (as an ordinal) of an instant in one zone, with offsets cached per quarter hour."""

    def __init__(self, zone_name: str):
        self.zone = ZoneInfo(zone_name)
        self._offsets: dict[int, int | None] = {}

    def of(self, at_us: int) -> int:
        slot = at_us // SLOT_US
        if slot not in self._offsets:
            if len(self._offsets) > 200_000:
                self._offsets.clear()
            first, last = self._offset_us(slot * SLOT_US), self._offset_us(slot * SLOT_US + SLOT_US - 1)
            self._offsets[slot] = first if first == last else None
        offset = self._offsets[slot]
        if offset is None:
            offset = self._offset_us(at_us)
        return (at_us + offset) // DAY_US + EPOCH_ORDINAL

    def _offset_us(self, at_us: int) -> int:
        offset = (EPOCH + timedelta(microseconds=at_us)).astimezone(self.zone).utcoffset()
        return (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds


@lru_cache(maxsize=32)
def local_days(zone_name: str) -> LocalDays:
    return LocalDays(zone_name)


class DayTotalsChange:
    """Net changes to the day totals, gathered while rollup rows change, saved once."""

    def __init__(self, zone_name: str):
        self.zone_name = zone_name
        self.days = local_days(zone_name)
        self.sessions: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.returning: dict[tuple, int] = defaultdict(int)
        self.conversations: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.durations: dict[tuple, int] = defaultdict(int)
        self.sends: dict[tuple, int] = defaultdict(int)

    def count_session(self, row, sign: int) -> None:
        """row: start_us, prev_start_us, status, article_views, article_views_resolved, bot_answered,
        bot_resolved (a SupportSession or anything with those attributes)."""
        day = self.days.of(row.start_us)
        values = self.sessions[(day, row.status)]
        values[0] += sign
        values[1] += sign * row.article_views
        values[2] += sign * row.article_views_resolved
        values[3] += sign * int(bool(row.bot_answered))
        values[4] += sign * int(bool(row.bot_resolved))
        if row.prev_start_us is not None:
            self.returning[(day, self.days.of(row.prev_start_us))] += sign

    def count_conversation(self, row, sign: int) -> None:
        """row: report_group, session_start_us, rating, first_response_bin, time_to_close_bin."""
        if not row.report_group:
            return
        day = self.days.of(row.session_start_us)
        values = self.conversations[(day, row.report_group)]
        values[0] += sign
        if row.rating is not None:
            values[1] += sign
            values[2] += sign * row.rating
            values[3] += sign * int(row.rating >= 4)
        if row.first_response_bin is not None:
            self.durations[(day, row.report_group, FIRST_RESPONSE, row.first_response_bin)] += sign
        if row.time_to_close_bin is not None:
            self.durations[(day, row.report_group, TIME_TO_CLOSE, row.time_to_close_bin)] += sign

    def count_send(self, row, sign: int) -> None:
        """row: at_us, prev_at_us, message_ref, opened, clicked, reacted."""
        prev_day = NO_DAY if row.prev_at_us is None else self.days.of(row.prev_at_us)
        key = (
            self.days.of(row.at_us),
            row.message_ref,
            prev_day,
            bool(row.opened),
            bool(row.clicked),
            bool(row.reacted),
        )
        self.sends[key] += sign

    def add(self, other: "DayTotalsChange") -> None:
        """Add another change's counts to this one (an import saves them once, at the end)."""
        if other.zone_name != self.zone_name:
            raise ValueError("day totals of different zones cannot be added up")
        for mine, theirs in (
            (self.sessions, other.sessions),
            (self.conversations, other.conversations),
        ):
            for key, values in theirs.items():
                mine[key] = [a + b for a, b in zip(mine[key], values, strict=True)]
        for mine, theirs in (
            (self.returning, other.returning),
            (self.durations, other.durations),
            (self.sends, other.sends),
        ):
            for key, value in theirs.items():
                mine[key] += value

    def __len__(self) -> int:
        return sum(
            len(counts)
            for counts in (self.sessions, self.returning, self.conversations, self.durations, self.sends)
        )

    def save(self, workspace_id: int) -> None:
        # Keys in sorted order, so concurrent writers lock totals rows in the same order.
        add_to_totals(
            SessionDayTotals,
            ("workspace_id", "day", "status"),
            ("sessions", "article_views", "article_views_resolved", "bot_answered", "bot_resolved"),
            [(workspace_id, *key, *values) for key, values in sorted(self.sessions.items()) if any(values)],
        )
        add_to_totals(
            ReturningDayTotals,
            ("workspace_id", "day", "prev_day"),
            ("sessions",),
            [(workspace_id, *key, value) for key, value in sorted(self.returning.items()) if value],
        )
        add_to_totals(
            ConversationDayTotals,
            ("workspace_id", "day", "report_group"),
            ("conversations", "ratings", "rating_sum", "ratings_positive"),
            [
                (workspace_id, *key, *values)
                for key, values in sorted(self.conversations.items())
                if any(values)
            ],
        )
        add_to_totals(
            DurationDayHistogram,
            ("workspace_id", "day", "report_group", "metric", "bin"),
            ("conversations",),
            [(workspace_id, *key, value) for key, value in sorted(self.durations.items()) if value],
        )
        add_to_totals(
            SendDayTotals,
            ("workspace_id", "day", "message_ref", "prev_day", "opened", "clicked", "reacted"),
            ("sends",),
            [(workspace_id, *key, value) for key, value in sorted(self.sends.items()) if value],
        )


def zone_for_writing(workspace: Workspace) -> str:
    """The zone the day totals are keyed by, held (shared) to the end of the transaction. When the
    workspace's zone has changed since they were built, they are rebuilt for it first.

    Mostly one statement: the state's zone, read with its shared lock only where it is still the
    workspace's zone (joined in). Where it is not (a zone changed, or the workspace's first write),
    nothing is locked and it goes the long way, which may rebuild the totals under an exclusive lock:
    a writer that held the shared lock already and then asked for the exclusive one could deadlock
    with another doing the same."""
    rows = read_with_shared_lock(
        f"SELECT state.zone FROM {table(RollupState)} state "
        f"JOIN {table(Workspace)} workspace ON workspace.id = state.workspace_id "
        "WHERE state.workspace_id = %s AND state.zone = workspace.timezone",
        [workspace.pk],
        of="state",
    )
    if rows:
        return rows[0][0]
    current = Workspace.objects.filter(pk=workspace.pk).values_list("timezone", flat=True).get()
    state = RollupState.objects.filter(workspace_id=workspace.pk).values_list("zone", flat=True).first()
    if state is None:
        RollupState.objects.bulk_create(
            [RollupState(workspace_id=workspace.pk, zone=current)], ignore_conflicts=True
        )
    elif state != current:
        rebuild_day_totals(workspace)
    rows = read_with_shared_lock(
        f"SELECT zone FROM {table(RollupState)} WHERE workspace_id = %s", [workspace.pk]
    )
    return rows[0][0]


def zone_of_totals(workspace: Workspace) -> str | None:
    return RollupState.objects.filter(workspace_id=workspace.pk).values_list("zone", flat=True).first()


def rebuild_day_totals(workspace: Workspace) -> None:
    """Recount every day total from the row-level rollups in the workspace's zone (after it changed).
    Waits for the writers holding the state and keeps new ones out until the transaction ends."""
    current = Workspace.objects.filter(pk=workspace.pk).values_list("timezone", flat=True).get()
    state = RollupState.objects.select_for_update().filter(workspace_id=workspace.pk).first()
    if state is None:
        RollupState.objects.bulk_create(
            [RollupState(workspace_id=workspace.pk, zone=current)], ignore_conflicts=True
        )
        state = RollupState.objects.select_for_update().get(workspace_id=workspace.pk)
    for model in TOTALS_MODELS:
        model.objects.filter(workspace_id=workspace.pk).delete()
    change = DayTotalsChange(current)
    for row in _stream(
        SupportSession,
        (
            "start_us",
            "prev_start_us",
            "status",
            "article_views",
            "article_views_resolved",
            "bot_answered",
            "bot_resolved",
        ),
        workspace.pk,
    ):
        change.count_session(row, 1)
    for row in _stream(
        ConversationFacts,
        ("report_group", "session_start_us", "rating", "first_response_bin", "time_to_close_bin"),
        workspace.pk,
        "report_group IS NOT NULL",
    ):
        change.count_conversation(row, 1)
    for row in _stream(
        OutboundSend, ("at_us", "prev_at_us", "message_ref", "opened", "clicked", "reacted"), workspace.pk
    ):
        change.count_send(row, 1)
    change.save(workspace.pk)
    state.zone = current
    state.save(update_fields=["zone"])


def _stream(model, columns, workspace_id, condition: str = "TRUE") -> Iterator[SimpleNamespace]:
    """The workspace's rows of a rollup table, a page at a time (bounded memory), as attributes."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    last_id = 0
    while True:
        rows = select(
            f"SELECT id, {quoted} FROM {table(model)} WHERE workspace_id = %s AND id > %s AND {condition} "
            "ORDER BY id LIMIT 20000",
            [workspace_id, last_id],
        )
        if not rows:
            return
        for row in rows:
            yield SimpleNamespace(**dict(zip(columns, row[1:], strict=True)))
        last_id = rows[-1][0]
