"""Reads of the support funnel report (shared/spec/support-report.md), always for one workspace.

`support_report` returns exactly the spec's JSON shape. It reads the day totals (a few hundred rows
whatever the volume) and, for each median, the one duration bin that holds the middle. When the
workspace's zone has changed since the totals were built, it counts from the row-level rollups of
the period instead (same answer, slower) until the next write rebuilds them.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from concierge.core.dates import check_date
from concierge.core.db import select, table
from concierge.core.errors import InvalidInput
from concierge.outbound.selectors.descriptions import refs_passing
from concierge.reports.exports import write_conversation_facts_csv, write_figures_csv
from concierge.reports.funnel import (
    AFTER_SELF_SERVE,
    FROM_START,
    HUMAN_AFTER_SELF_SERVE,
    HUMAN_FROM_START,
    SELF_SERVE_RESOLVED,
    STATUSES,
    STOPPED,
)
from concierge.reports.models import (
    ConversationDayTotals,
    ConversationFacts,
    DurationDayHistogram,
    OutboundSend,
    ReturningDayTotals,
    SendDayTotals,
    SessionDayTotals,
    SupportSession,
)
from concierge.reports.services.day_totals import (
    FIRST_RESPONSE,
    TIME_TO_CLOSE,
    DayTotalsChange,
    zone_of_totals,
)
from concierge.workspaces.models import Workspace

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GROUPS = (AFTER_SELF_SERVE, FROM_START)
SESSION_FILTERS = (*STATUSES, "self_serve_tried", "bot_answered", "bot_resolved")
CONVERSATION_GROUPS = ("human_supported", AFTER_SELF_SERVE, FROM_START, "bot_resolved")
ENGAGEMENTS = ("opened", "clicked", "reacted")


# Periods ---------------------------------------------------------------------------------------

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_report_date(value: str | None, *, field: str) -> date:
    """A date given as YYYY-MM-DD; an impossible one (2026-02-30) is a clear error."""
    if not value:
        raise InvalidInput(f"'{field}' is required (a date as YYYY-MM-DD).", field=field)
    if not DATE_PATTERN.match(value):
        raise InvalidInput(f"'{field}' must be a date as YYYY-MM-DD, not '{value[:40]}'.", field=field)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"'{field}' is not a real date: '{value}' ({exc}).", field=field) from exc


def _check_period(date_from: date, date_to: date) -> None:
    for name, value in (("from", date_from), ("to", date_to)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise InvalidInput(f"'{name}' must be a date (YYYY-MM-DD).", field=name)
        check_date(value, field=name)
    if date_from > date_to:
        raise InvalidInput(
            f"'from' ({date_from.isoformat()}) is after 'to' ({date_to.isoformat()}).", field="from"
        )


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The same number of calendar days immediately before date_from."""
    _check_period(date_from, date_to)
    days = (date_to - date_from).days + 1
    try:
        return date_from - timedelta(days=days), date_from - timedelta(days=1)
    except OverflowError as exc:
        raise InvalidInput("The period is too early to have a previous period.", field="from") from exc


def _local_start_of_day(day: date, zone: ZoneInfo) -> datetime:
    # Through UTC and back: a midnight skipped by a daylight-saving change becomes the day's first
    # real instant, shown with the offset the zone has at that instant.
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC).astimezone(zone)


def period_bounds(workspace: Workspace, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[from 00:00, to+1 00:00) in the workspace's zone, as aware datetimes in that zone."""
    _check_period(date_from, date_to)
    zone = ZoneInfo(workspace.timezone)
    try:
        return _local_start_of_day(date_from, zone), _local_start_of_day(date_to + timedelta(days=1), zone)
    except OverflowError as exc:
        raise InvalidInput(
            "The period is out of the range of dates Concierge can count.", field="to"
        ) from exc


def _bounds_us(workspace: Workspace, date_from: date, date_to: date) -> tuple[int, int]:
    start, end = period_bounds(workspace, date_from, date_to)
    return (start - EPOCH) // timedelta(microseconds=1), (end - EPOCH) // timedelta(microseconds=1)


# The report ------------------------------------------------------------------------------------


@dataclass
class PeriodTotals:
    """What the figures of one period are computed from."""

    sessions: dict[str, list[int]] = field(
        default_factory=dict
    )  # status -> [n, views, resolved, bot, bot res.]
    returning_within: int = 0  # sessions whose contact's previous session is in the period too
    conversations: dict[str, list[int]] = field(default_factory=dict)  # group -> [n, ratings, sum, positive]
    histograms: dict[tuple[str, str], dict[int, int]] = field(default_factory=dict)  # (group, metric) -> bins
    sends: list[tuple] = field(
        default_factory=list
    )  # (message, opened, clicked, reacted, sends, first sends)


def support_report(
    workspace: Workspace,
    date_from: date,
    date_to: date,
    *,
    tag: str | None = None,
    content_type: str | None = None,
    sender: str | None = None,
) -> dict:
    """The funnel report for a period and the one before it, in the spec's JSON shape."""
    previous_from, previous_to = previous_period(date_from, date_to)
    filters = {"tag": tag or None, "content_type": content_type or None, "sender": sender or None}
    return {
        "timezone": workspace.timezone,
        "current": _period_report(workspace, date_from, date_to, filters),
        "previous": _period_report(workspace, previous_from, previous_to, filters),
    }


def _period_report(workspace: Workspace, date_from: date, date_to: date, filters: dict) -> dict:
    start, end = period_bounds(workspace, date_from, date_to)
    start_us, end_us = _bounds_us(workspace, date_from, date_to)
    if zone_of_totals(workspace) == workspace.timezone:
        totals = _totals_from_day_totals(workspace.pk, date_from.toordinal(), date_to.toordinal())
        values_at_ranks = _values_at_ranks_reader(workspace.pk, start_us, end_us)
    else:
        totals, values = _totals_from_rows(workspace, start_us, end_us, date_from.toordinal())
        values_at_ranks = _values_at_ranks_from_memory(values)
    return _figures(workspace, totals, values_at_ranks, filters, start, end)


def _totals_from_day_totals(workspace_id: int, first_day: int, last_day: int) -> PeriodTotals:
    totals = PeriodTotals()
    period = [workspace_id, first_day, last_day]
    for status, *values in select(
        "SELECT status, SUM(sessions), SUM(article_views), SUM(article_views_resolved), SUM(bot_answered), "
        f"SUM(bot_resolved) FROM {table(SessionDayTotals)} WHERE workspace_id = %s AND day BETWEEN %s AND %s "
        "GROUP BY status",
        period,
    ):
        totals.sessions[status] = [int(v) for v in values]
    totals.returning_within = int(
        select(
            f"SELECT COALESCE(SUM(sessions), 0) FROM {table(ReturningDayTotals)} "
            "WHERE workspace_id = %s AND day BETWEEN %s AND %s AND prev_day >= %s",
            [*period, first_day],
        )[0][0]
    )
    for group, *values in select(
        "SELECT report_group, SUM(conversations), SUM(ratings), SUM(rating_sum), SUM(ratings_positive) "
        f"FROM {table(ConversationDayTotals)} WHERE workspace_id = %s AND day BETWEEN %s AND %s "
        "GROUP BY report_group",
        period,
    ):
        totals.conversations[group] = [int(v) for v in values]
    for group, metric, bin_, count in select(
        f"SELECT report_group, metric, bin, SUM(conversations) FROM {table(DurationDayHistogram)} "
        "WHERE workspace_id = %s AND day BETWEEN %s AND %s GROUP BY report_group, metric, bin",
        period,
    ):
        totals.histograms.setdefault((group, metric), {})[bin_] = int(count)
    totals.sends = [
        (message, bool(opened), bool(clicked), bool(reacted), int(sends), int(first))
        for message, opened, clicked, reacted, sends, first in select(
            "SELECT message_ref, opened, clicked, reacted, SUM(sends), "
            "SUM(CASE WHEN prev_day < %s THEN sends ELSE 0 END) "
            f"FROM {table(SendDayTotals)} WHERE workspace_id = %s AND day BETWEEN %s AND %s "
            "GROUP BY message_ref, opened, clicked, reacted",
            [first_day, *period],
        )
    ]
    return totals


def _values_at_ranks_reader(workspace_id: int, start_us: int, end_us: int):
    columns = {
        FIRST_RESPONSE: ("first_teammate_reply_us - started_us", "first_response_bin"),
        TIME_TO_CLOSE: ("last_closed_us - started_us", "time_to_close_bin"),
    }

    def values_at_ranks(group: str, metric: str, bin_: int, first: int, count: int) -> list[int]:
        """The values at ranks first … first + count - 1 among the bin's, sorted by the database."""
        value, bin_column = columns[metric]
        return [
            row[0]
            for row in select(
                f"SELECT {value} AS duration FROM {table(ConversationFacts)} WHERE workspace_id = %s "
                f"AND report_group = %s AND {bin_column} = %s AND session_start_us >= %s "
                "AND session_start_us < %s ORDER BY duration LIMIT %s OFFSET %s",
                [workspace_id, group, bin_, start_us, end_us, count, first],
            )
        ]

    return values_at_ranks


def _totals_from_rows(workspace: Workspace, start_us: int, end_us: int, first_day: int):
    """The same totals counted from the period's row-level rollups (when the day totals are keyed
    by another zone)."""
    change = DayTotalsChange(workspace.timezone)
    sessions = SupportSession.objects.filter(workspace=workspace, start_us__gte=start_us, start_us__lt=end_us)
    for row in sessions.only(
        "start_us",
        "prev_start_us",
        "status",
        "article_views",
        "article_views_resolved",
        "bot_answered",
        "bot_resolved",
    ):
        change.count_session(row, 1)
    values = defaultdict(list)
    conversations = ConversationFacts.objects.filter(
        workspace=workspace,
        report_group__isnull=False,
        session_start_us__gte=start_us,
        session_start_us__lt=end_us,
    )
    for row in conversations:
        change.count_conversation(row, 1)
        if row.first_response_bin is not None:
            values[(row.report_group, FIRST_RESPONSE, row.first_response_bin)].append(
                row.first_teammate_reply_us - row.started_us
            )
        if row.time_to_close_bin is not None:
            values[(row.report_group, TIME_TO_CLOSE, row.time_to_close_bin)].append(
                row.last_closed_us - row.started_us
            )
    for row in OutboundSend.objects.filter(workspace=workspace, at_us__gte=start_us, at_us__lt=end_us):
        change.count_send(row, 1)
    totals = PeriodTotals()
    for (_, status), counts in change.sessions.items():
        totals.sessions[status] = [
            a + b for a, b in zip(totals.sessions.get(status, [0] * 5), counts, strict=True)
        ]
    totals.returning_within = sum(n for (_, prev_day), n in change.returning.items() if prev_day >= first_day)
    for (_, group), counts in change.conversations.items():
        totals.conversations[group] = [
            a + b for a, b in zip(totals.conversations.get(group, [0] * 4), counts, strict=True)
        ]
    for (_, group, metric, bin_), count in change.durations.items():
        histogram = totals.histograms.setdefault((group, metric), {})
        histogram[bin_] = histogram.get(bin_, 0) + count
    sends = defaultdict(lambda: [0, 0])
    for (_, message, prev_day, opened, clicked, reacted), count in change.sends.items():
        sends[(message, opened, clicked, reacted)][0] += count
        sends[(message, opened, clicked, reacted)][1] += count if prev_day < first_day else 0
    totals.sends = [(*key, n, first) for key, (n, first) in sends.items()]
    return totals, values


def _values_at_ranks_from_memory(values: dict):
    def values_at_ranks(group: str, metric: str, bin_: int, first: int, count: int) -> list[int]:
        return sorted(values.get((group, metric, bin_), []))[first : first + count]

    return values_at_ranks


def _figures(
    workspace, totals: PeriodTotals, values_at_ranks, filters: dict, start: datetime, end: datetime
) -> dict:
    def count(status: str, index: int = 0) -> int:
        return totals.sessions.get(status, [0] * 5)[index]

    total = sum(values[0] for values in totals.sessions.values())
    resolved, after, from_start = (
        count(SELF_SERVE_RESOLVED),
        count(HUMAN_AFTER_SELF_SERVE),
        count(HUMAN_FROM_START),
    )
    views = sum(values[1] for values in totals.sessions.values())
    views_resolved = sum(values[2] for values in totals.sessions.values())
    bot_answered = sum(values[3] for values in totals.sessions.values())
    bot_resolved = sum(values[4] for values in totals.sessions.values())
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "proactive": _proactive(workspace, totals.sends, filters),
        "sessions": {
            "total": total,
            "stopped": count(STOPPED),
            "self_serve_tried": resolved + after,
            "self_serve_resolved": resolved,
            "human_after_self_serve": after,
            "human_from_start": from_start,
        },
        "people_seeking_support": total - totals.returning_within,
        "rates": {
            "self_serve_resolution": _ratio(resolved, resolved + after + from_start),
            "articles_resolution": _ratio(views_resolved, views),
            "automated_resolution": _ratio(bot_resolved, bot_answered),
        },
        "human_support": {group: _human_support(totals, group, values_at_ranks) for group in GROUPS},
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else round(numerator / denominator, 4)


def _proactive(workspace, sends: list[tuple], filters: dict) -> dict:
    if any(filters.values()):
        passing = refs_passing(workspace, among={row[0] for row in sends}, **filters)
        sends = [row for row in sends if row[0] in passing]
    return {
        "sent": sum(row[4] for row in sends),
        "opened": sum(row[5] for row in sends if row[1]),
        "clicked": sum(row[5] for row in sends if row[2]),
        "reacted": sum(row[5] for row in sends if row[3]),
    }


def _human_support(totals: PeriodTotals, group: str, values_at_ranks) -> dict:
    conversations, ratings, rating_sum, positive = totals.conversations.get(group, [0, 0, 0, 0])
    return {
        "conversations": conversations,
        "ratings": ratings,
        "rating_average": _ratio(rating_sum, ratings),
        "rating_positive_share": _ratio(positive, ratings),
        "median_first_response_seconds": _median(
            totals.histograms.get((group, FIRST_RESPONSE), {}), group, FIRST_RESPONSE, values_at_ranks
        ),
        "median_time_to_close_seconds": _median(
            totals.histograms.get((group, TIME_TO_CLOSE), {}), group, TIME_TO_CLOSE, values_at_ranks
        ),
    }


def _median(histogram: dict[int, int], group: str, metric: str, values_at_ranks) -> float | None:
    """The exact median, in seconds, reading only the bins that hold the middle values."""
    count = sum(histogram.values())
    if count == 0:
        return None
    lower, upper = (count - 1) // 2, count // 2  # the same rank when the count is odd
    found: dict[int, float] = {}
    seen = 0
    for bin_ in sorted(histogram):
        in_bin = histogram[bin_]
        wanted = sorted({rank for rank in (lower, upper) if seen <= rank < seen + in_bin})
        if wanted:
            values = values_at_ranks(group, metric, bin_, wanted[0] - seen, len(wanted))
            if len(values) != len(wanted):
                raise RuntimeError(
                    f"the {metric} histogram disagrees with the conversations ({group}, bin {bin_})"
                )
            found.update((rank, value / 1_000_000) for rank, value in zip(wanted, values, strict=True))
        seen += in_bin
    return (found[lower] + found[upper]) / 2


# Drill-down ------------------------------------------------------------------------------------


def sessions_in_period(
    workspace: Workspace, date_from: date, date_to: date, status: str | None = None
) -> QuerySet[SupportSession]:
    """The sessions starting in the period (optionally of one status), oldest first."""
    start_us, end_us = _bounds_us(workspace, date_from, date_to)
    sessions = SupportSession.objects.filter(workspace=workspace, start_us__gte=start_us, start_us__lt=end_us)
    if status is None:
        pass
    elif status in STATUSES:
        sessions = sessions.filter(status=status)
    elif status == "self_serve_tried":
        sessions = sessions.filter(status__in=[SELF_SERVE_RESOLVED, HUMAN_AFTER_SELF_SERVE])
    elif status == "bot_answered":
        sessions = sessions.filter(bot_answered=True)
    elif status == "bot_resolved":
        sessions = sessions.filter(bot_resolved=True)
    else:
        raise InvalidInput(f"status '{status}' must be one of {', '.join(SESSION_FILTERS)}.", field="status")
    return sessions.select_related("contact").order_by("start_us", "id")


def conversations_in_period(
    workspace: Workspace, date_from: date, date_to: date, group: str | None = None
) -> QuerySet[ConversationFacts]:
    """The conversations of the sessions starting in the period (optionally one group), oldest first."""
    start_us, end_us = _bounds_us(workspace, date_from, date_to)
    conversations = ConversationFacts.objects.filter(
        workspace=workspace, session_start_us__gte=start_us, session_start_us__lt=end_us
    )
    if group is None:
        pass
    elif group == "human_supported":
        conversations = conversations.filter(human_supported=True)
    elif group in GROUPS:
        conversations = conversations.filter(report_group=group)
    elif group == "bot_resolved":
        conversations = conversations.filter(bot_resolved=True)
    else:
        raise InvalidInput(f"group '{group}' must be one of {', '.join(CONVERSATION_GROUPS)}.", field="group")
    return conversations.select_related("contact").order_by("started_us", "id")


def sends_in_period(
    workspace: Workspace,
    date_from: date,
    date_to: date,
    *,
    tag: str | None = None,
    content_type: str | None = None,
    sender: str | None = None,
    engagement: str | None = None,
) -> QuerySet[OutboundSend]:
    """The proactive sends in the period whose message passes the filters, oldest first."""
    start_us, end_us = _bounds_us(workspace, date_from, date_to)
    sends = OutboundSend.objects.filter(workspace=workspace, at_us__gte=start_us, at_us__lt=end_us)
    filters = {"tag": tag or None, "content_type": content_type or None, "sender": sender or None}
    if any(filters.values()):
        sends = sends.filter(message_ref__in=refs_passing(workspace, **filters))
    if engagement is not None:
        if engagement not in ENGAGEMENTS:
            raise InvalidInput(
                f"engagement '{engagement}' must be one of {', '.join(ENGAGEMENTS)}.", field="engagement"
            )
        sends = sends.filter(**{engagement: True})
    return sends.select_related("contact").order_by("at_us", "id")


def write_conversations_csv(
    workspace: Workspace, date_from: date, date_to: date, out: TextIO, group: str | None = None
) -> None:
    """The per-conversation facts of the period's sessions as CSV, times in the workspace's zone."""
    conversations = conversations_in_period(workspace, date_from, date_to, group).iterator(chunk_size=2000)
    write_conversation_facts_csv(conversations, workspace.timezone, out)


__all__ = [
    "conversation_refs_of_sessions",
    "conversations_in_period",
    "parse_report_date",
    "period_bounds",
    "previous_period",
    "sends_in_period",
    "sessions_in_period",
    "support_report",
    "write_conversations_csv",
    "write_figures_csv",
]


def conversation_refs_of_sessions(workspace: Workspace, sessions) -> dict[int, list[str]]:
    """Each listed session's conversations (by the log's ref), oldest first, keyed by the session's id:
    what a drill-down row of sessions links to."""
    sessions = list(sessions)
    if not sessions:
        return {}
    by_key = {(session.contact_id, session.start_us): session.pk for session in sessions}
    refs: dict[int, list[str]] = {session.pk: [] for session in sessions}
    for contact_id, session_start_us, ref in (
        ConversationFacts.objects.filter(
            workspace=workspace,
            contact_id__in={session.contact_id for session in sessions},
            session_start_us__in={session.start_us for session in sessions},
        )
        .order_by("started_us", "id")
        .values_list("contact_id", "session_start_us", "conversation_ref")
    ):
        session_id = by_key.get((contact_id, session_start_us))
        if session_id is not None:
            refs[session_id].append(ref)
    return refs
