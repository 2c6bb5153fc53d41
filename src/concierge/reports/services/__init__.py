"""Writes of the reports app: the funnel report's rollups (maintained as events are appended)."""

from concierge.reports.services.day_totals import rebuild_day_totals
from concierge.reports.services.rollups import (
    apply_events_to_rollups,
    apply_rollup_input,
    day_totals_to_save_later,
)
from concierge.reports.services.sessions import LatestStarts

__all__ = [
    "LatestStarts",
    "apply_events_to_rollups",
    "apply_rollup_input",
    "day_totals_to_save_later",
    "rebuild_day_totals",
]
