"""The funnel report's rollups as a follower of the event log (events.followers): ReportsConfig.ready
registers FUNNEL_ROLLUPS, and every writer of the log hands it its batches."""

from collections.abc import Callable, Container, Hashable, Iterable

from concierge.events.parsing import LogEvent
from concierge.reports.models import ConversationFacts, OutboundPair, OutboundSend, SupportSession
from concierge.reports.rollup_input import RollupInput, gather_rollup_input
from concierge.reports.services.day_totals import TOTALS_MODELS, DayTotalsChange, zone_for_writing
from concierge.reports.services.rollups import apply_rollup_input
from concierge.reports.services.sessions import LatestStarts
from concierge.workspaces.models import Workspace


class FunnelRollups:
    """Gathers a batch's events by contact and conversation (reports.rollup_input) and folds them
    into the rollups (apply_rollup_input)."""

    tables_it_reads = (SupportSession, ConversationFacts, OutboundPair, OutboundSend)
    tables_read_from_it = (SupportSession, ConversationFacts, OutboundSend, *TOTALS_MODELS)

    def gather(self, events: Iterable[LogEvent], contact_key: Callable[[LogEvent], Hashable]) -> RollupInput:
        return gather_rollup_input(events, contact_key)

    def from_plain(self, plain: tuple) -> RollupInput:
        return RollupInput.from_plain(plain)

    def start(self, workspace: Workspace, *, private_contacts: Container[int] = ()) -> "RollupsRun":
        return RollupsRun(workspace, private_contacts)


class RollupsRun:
    """The rollups' work for one writer of the log in one transaction. It keeps

    - the zone the day totals are keyed by, read (and held) at its first batch with funnel events;
    - the day totals' change, saved when it grows large and at the end (finish), not per batch:
      most batches change the same days' totals;
    - what it knows of contacts' stored sessions and conversations (LatestStarts)."""

    DAY_TOTALS_HELD = 100_000  # totals rows (a few hundred bytes each)

    def __init__(self, workspace: Workspace, private_contacts: Container[int] = ()):
        self.workspace = workspace
        self.private_contacts = private_contacts
        self.latest_starts = LatestStarts(private_contacts)
        self.day_totals: DayTotalsChange | None = None
        self.zone: str | None = None

    def apply(self, gathered: RollupInput, *, alongside: Callable[[], None] | None = None) -> None:
        if not gathered.contacts:  # nothing the funnel counts
            if alongside is not None:
                alongside()
            return
        zone_read_here = self.zone is None
        if zone_read_here:
            self.zone = zone_for_writing(self.workspace)
        if self.day_totals is None:
            self.day_totals = DayTotalsChange(self.zone)
        try:
            apply_rollup_input(
                self.workspace,
                gathered,
                self.day_totals,
                private_contacts=self.private_contacts,
                alongside=alongside,
                latest_starts=self.latest_starts,
            )
        except BaseException:
            if zone_read_here:
                # Read (and locked) in the part of the transaction that the log's savepoint undoes:
                # the next batch reads it again. The change made for it is still empty.
                self.zone = self.day_totals = None
            raise
        if len(self.day_totals) > self.DAY_TOTALS_HELD:
            self.finish()

    def finish(self) -> None:
        if self.day_totals is not None:
            self.day_totals.save(self.workspace.pk)
            self.day_totals = None


FUNNEL_ROLLUPS = FunnelRollups()
