"""Writes of the reports app: the funnel report's rollups, which follow the event log
(FUNNEL_ROLLUPS, registered with the log in ReportsConfig.ready)."""

from concierge.reports.services.day_totals import rebuild_day_totals
from concierge.reports.services.following import FUNNEL_ROLLUPS, FunnelRollups, RollupsRun
from concierge.reports.services.rollups import apply_rollup_input
from concierge.reports.services.sessions import LatestStarts

__all__ = [
    "FUNNEL_ROLLUPS",
    "FunnelRollups",
    "LatestStarts",
    "RollupsRun",
    "apply_rollup_input",
    "rebuild_day_totals",
]
