"""The 1:1 sessions report and the feedback insights, for a period of local dates.

The report reads the event log (what happened when), not the bookings' current state: a session
booked in March and cancelled in April counts as booked in March and cancelled in April. The period
is [from 00:00, to + 1 day 00:00) in the workspace's zone, like the support report.

Figures:
- booked, rescheduled, cancelled, held: events of that type in the period;
- no_shows: by the side that did not show up (customer, agent);
- declined: as ineligible, by the eligibility rules at booking time or by an agent after review;
- lead_time: hours from booking to the session's start, over the sessions booked in the period;
- by_trigger and by_agent: the same counts per booking link and per agent;
- daily: booked, held and no-shows per local day (the chart).
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Min
from django.db.models.functions import Lower

from concierge.core.dates import check_date
from concierge.core.errors import InvalidInput
from concierge.events.selectors import meeting_events
from concierge.meetings import event_types
from concierge.meetings.models import BookingTrigger, Feedback, FeedbackFeature
from concierge.workspaces.models import Teammate, Workspace

MAX_PERIOD_DAYS = 366

COUNTED = {
    event_types.MEETING_BOOKED: "booked",
    event_types.MEETING_RESCHEDULED: "rescheduled",
    event_types.MEETING_CANCELLED: "cancelled",
    event_types.MEETING_HELD: "held",
}


NOT_PER_TRIGGER_OR_AGENT = (
    event_types.MEETING_REMINDED,
    event_types.MEETING_FOLLOWED_UP,
    event_types.MEETING_FEEDBACK_RECORDED,
)


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


def period_of(workspace: Workspace, first_day: date, last_day: date) -> Period:
    check_date(first_day, field="from")
    check_date(last_day, field="to")
    if first_day > last_day:
        raise InvalidInput("from must not be after to.", field="from")
    if (last_day - first_day).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(f"A period is at most {MAX_PERIOD_DAYS} days.", field="to")
    zone = ZoneInfo(workspace.timezone)
    return Period(
        first_day=first_day,
        last_day=last_day,
        start=datetime.combine(first_day, datetime.min.time(), tzinfo=zone),
        end=datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone),
    )


def _empty_counts() -> dict:
    return {
        "booked": 0,
        "held": 0,
        "no_show_customer": 0,
        "no_show_agent": 0,
        "declined": 0,
        "cancelled": 0,
        "rescheduled": 0,
    }


@dataclass
class SessionsReport:
    period: Period
    booked: int = 0
    held: int = 0
    rescheduled: int = 0
    cancelled: int = 0
    reminded: int = 0
    followed_up: int = 0
    no_shows: dict = field(default_factory=lambda: {"customer": 0, "agent": 0})
    declined: dict = field(default_factory=lambda: {"by_rules": 0, "by_agent": 0})
    lead_time_hours: dict = field(default_factory=lambda: {"median": None, "average": None})
    by_trigger: list = field(default_factory=list)
    by_agent: list = field(default_factory=list)
    daily: list = field(default_factory=list)

    @property
    def no_shows_total(self) -> int:
        return self.no_shows["customer"] + self.no_shows["agent"]

    @property
    def declined_total(self) -> int:
        return self.declined["by_rules"] + self.declined["by_agent"]

    def as_dict(self) -> dict:
        return {
            "from": self.period.first_day.isoformat(),
            "to": self.period.last_day.isoformat(),
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "booked": self.booked,
            "held": self.held,
            "no_shows": self.no_shows,
            "declined_ineligible": self.declined,
            "cancelled": self.cancelled,
            "rescheduled": self.rescheduled,
            "reminders_sent": self.reminded,
            "followed_up": self.followed_up,
            "lead_time_hours": self.lead_time_hours,
            "by_trigger": self.by_trigger,
            "by_agent": self.by_agent,
            "daily": self.daily,
        }


def _count_into(counts: dict, event_type: str, data: dict) -> None:
    if event_type in COUNTED:
        counts[COUNTED[event_type]] += 1
    elif event_type == event_types.MEETING_NO_SHOW:
        counts["no_show_customer" if data.get("side") == "customer" else "no_show_agent"] += 1
    elif event_type == event_types.MEETING_DECLINED:
        counts["declined"] += 1


def sessions_report(workspace: Workspace, first_day: date, last_day: date) -> SessionsReport:
    period = period_of(workspace, first_day, last_day)
    zone = ZoneInfo(workspace.timezone)
    report = SessionsReport(period=period)
    lead_times: list[float] = []
    per_trigger: dict = defaultdict(_empty_counts)
    per_agent: dict = defaultdict(_empty_counts)
    per_day: dict = {day: {"booked": 0, "held": 0, "no_shows": 0} for day in period.days}

    events = (
        meeting_events(workspace)
        .filter(
            type__in=event_types.MEETING_EVENT_TYPES,
            at__gte=period.start,
            at__lt=period.end,
        )
        .values_list("type", "at", "data")
    )
    for event_type, at, data in events:
        day = per_day.get(at.astimezone(zone).date())
        if event_type == event_types.MEETING_BOOKED:
            report.booked += 1
            if data.get("lead_time_seconds") is not None:
                lead_times.append(data["lead_time_seconds"] / 3600)
            if day is not None:
                day["booked"] += 1
        elif event_type == event_types.MEETING_HELD:
            report.held += 1
            if day is not None:
                day["held"] += 1
        elif event_type == event_types.MEETING_NO_SHOW:
            report.no_shows["customer" if data.get("side") == "customer" else "agent"] += 1
            if day is not None:
                day["no_shows"] += 1
        elif event_type == event_types.MEETING_DECLINED:
            report.declined["by_rules" if data.get("by") == "rules" else "by_agent"] += 1
        elif event_type == event_types.MEETING_CANCELLED:
            report.cancelled += 1
        elif event_type == event_types.MEETING_RESCHEDULED:
            report.rescheduled += 1
        elif event_type == event_types.MEETING_REMINDED:
            report.reminded += 1
        elif event_type == event_types.MEETING_FOLLOWED_UP:
            report.followed_up += 1
        if event_type in NOT_PER_TRIGGER_OR_AGENT:
            continue
        _count_into(per_trigger[data.get("trigger")], event_type, data)
        if data.get("agent") is not None:
            _count_into(per_agent[data["agent"]], event_type, data)

    if lead_times:
        report.lead_time_hours = {
            "median": round(statistics.median(lead_times), 2),
            "average": round(statistics.fmean(lead_times), 2),
        }
    report.by_trigger = _by_trigger(workspace, per_trigger)
    report.by_agent = _by_agent(workspace, per_agent)
    report.daily = [{"day": day.isoformat(), **counts} for day, counts in per_day.items()]
    return report


def _by_trigger(workspace: Workspace, per_trigger: dict) -> list[dict]:
    triggers = {
        trigger.pk: trigger
        for trigger in BookingTrigger.objects.filter(
            workspace=workspace, pk__in=[k for k in per_trigger if k]
        ).select_related("session_type")
    }
    rows = []
    for trigger_id, counts in per_trigger.items():
        trigger = triggers.get(trigger_id)
        rows.append(
            {
                "trigger": trigger_id,
                "place": trigger.place if trigger else ("(deleted)" if trigger_id else "(no trigger)"),
                "session_type": trigger.session_type.name if trigger else None,
                **counts,
            }
        )
    return sorted(rows, key=lambda row: (-row["booked"], row["place"]))


def _by_agent(workspace: Workspace, per_agent: dict) -> list[dict]:
    names = dict(
        Teammate.objects.filter(workspace=workspace, pk__in=list(per_agent)).values_list("pk", "name")
    )
    rows = [
        {"agent": agent_id, "name": names.get(agent_id, "(removed)"), **counts}
        for agent_id, counts in per_agent.items()
    ]
    return sorted(rows, key=lambda row: (-row["booked"], row["name"]))


# Feedback insights --------------------------------------------------------------------------------


def _feedback_entered_in(workspace: Workspace, first_day: date | None, last_day: date | None):
    """The workspace's feedback entries, or those entered on the period's local days."""
    entries = Feedback.objects.filter(workspace=workspace)
    if first_day is not None and last_day is not None:
        period = period_of(workspace, first_day, last_day)
        entries = entries.filter(created_at__gte=period.start, created_at__lt=period.end)
    return entries


def feedback_insights(
    workspace: Workspace, first_day: date | None = None, last_day: date | None = None, *, top: int = 10
) -> dict:
    """What the feedback entries say, most often first: features missed, features that matter,
    activity areas, and the demographics given. Without a period: all entries."""
    entries = _feedback_entered_in(workspace, first_day, last_day)

    def top_features(kind: str) -> list[dict]:
        rows = (
            FeedbackFeature.objects.filter(workspace=workspace, kind=kind, feedback__in=entries)
            .values("name")
            .annotate(count=Count("id"), label=Min("label"))
            .order_by("-count", "name")[:top]
        )
        return [{"feature": row["label"], "count": row["count"]} for row in rows]

    areas = (
        entries.exclude(activity_area="")
        .annotate(area=Lower("activity_area"))
        .values("area")
        .annotate(count=Count("id"), label=Min("activity_area"))
        .order_by("-count", "area")[:top]
    )
    demographics: dict[str, Counter] = defaultdict(Counter)
    for facts in entries.values_list("demographics", flat=True):
        for key, value in (facts or {}).items():
            demographics[key][value] += 1
    return {
        "entries": entries.count(),
        "missing_features": top_features(FeedbackFeature.Kind.MISSING),
        "important_features": top_features(FeedbackFeature.Kind.IMPORTANT),
        "activity_areas": [{"area": row["label"], "count": row["count"]} for row in areas],
        "demographics": {
            key: [{"value": value, "count": count} for value, count in counter.most_common(top)]
            for key, counter in sorted(demographics.items())
        },
    }


def recent_feedback(
    workspace: Workspace, first_day: date | None = None, last_day: date | None = None, *, limit: int = 20
):
    """The latest feedback entries, newest first; with a period, those entered in it (the same entries
    feedback_insights counts)."""
    entries = _feedback_entered_in(workspace, first_day, last_day)
    return (
        entries.select_related("booking", "booking__contact", "entered_by")
        .prefetch_related("features")
        .order_by("-created_at", "-id")[:limit]
    )
