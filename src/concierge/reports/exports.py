"""The funnel report as CSV: its figures, and the per-conversation facts behind them."""

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO
from zoneinfo import ZoneInfo

from concierge.reports.models import ConversationFacts, instant_from_us

CONVERSATION_COLUMNS = (
    "conversation",
    "contact",
    "started_at",
    "first_response_at",
    "closed_at",
    "rating",
    "session_start",
    "session_status",
    "human_supported",
    "bot_resolved",
    "first_response_seconds",
    "time_to_close_seconds",
)


def figure_rows(report: dict) -> Iterator[tuple[str, object, object]]:
    """(dotted figure name, current value, previous value), in the order of the JSON shape."""

    def walk(current: dict, previous: dict, prefix: str):
        for key, value in current.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                yield from walk(value, previous[key], f"{name}.")
            else:
                yield name, value, previous[key]

    yield from walk(report["current"], report["previous"], "")


def write_figures_csv(report: dict, out: TextIO) -> None:
    """Columns: figure, current, previous (an empty cell for null)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["figure", "current", "previous"])
    writer.writerow(["timezone", report["timezone"], report["timezone"]])
    for name, current, previous in figure_rows(report):
        writer.writerow([name, _cell(current), _cell(previous)])


def write_conversation_facts_csv(
    conversations: Iterable[ConversationFacts], zone_name: str, out: TextIO
) -> None:
    """One row per conversation (contact selected), times ISO 8601 in the given zone."""
    zone = ZoneInfo(zone_name)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CONVERSATION_COLUMNS)
    for facts in conversations:
        writer.writerow(
            [
                facts.conversation_ref,
                facts.contact.ref if facts.contact_id else "",
                _local(facts.started_us, zone),
                _local(facts.first_teammate_reply_us, zone),
                _local(facts.last_closed_us, zone) if facts.closed else "",
                _cell(facts.rating),
                _local(facts.session_start_us, zone),
                facts.session_status,
                _cell(facts.human_supported),
                _cell(facts.bot_resolved),
                _cell(facts.first_response_seconds),
                _cell(facts.time_to_close_seconds),
            ]
        )


def _local(value: int | None, zone: ZoneInfo) -> str:
    return "" if value is None else instant_from_us(value).astimezone(zone).isoformat()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
