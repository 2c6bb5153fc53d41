"""Service levels read: the targets that apply to a team, the due time of a new clock, and the share
of targets met by team and by period, from the per-conversation records (exact, not sampled)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from concierge.conversations.models import Conversation
from concierge.routing.models import ResponseTarget, ServiceLevelTarget
from concierge.routing.selectors.hours import add_office_minutes, schedule_for
from concierge.workspaces.models import Team, Workspace

Outcome = ResponseTarget.Outcome
Kind = ResponseTarget.Kind
NO_TEAM = 0  # the key of conversations without a team in the figures


def targets_for(workspace: Workspace, team: Team | None = None) -> ServiceLevelTarget | None:
    """The team's own targets, else the workspace's; None when neither is set."""
    rows = {
        row.team_id: row
        for row in ServiceLevelTarget.objects.filter(workspace=workspace).filter(
            Q(team__isnull=True) | Q(team=team) if team is not None else Q(team__isnull=True)
        )
    }
    return rows.get(team.pk if team else None) or rows.get(None)


def target_row(workspace: Workspace, team: Team | None = None) -> ServiceLevelTarget | None:
    """The targets set on the team itself (or on the workspace, without a team)."""
    return ServiceLevelTarget.objects.filter(workspace=workspace, team=team).first()


def target_minutes(targets: ServiceLevelTarget | None, kind: str) -> int | None:
    if targets is None:
        return None
    return targets.first_response_minutes if kind == Kind.FIRST else targets.next_response_minutes


def due_time(
    workspace: Workspace, team: Team | None, kind: str, started_at: datetime
) -> tuple[int, datetime] | None:
    """(minutes, due instant) for a clock of `kind` started at `started_at`; None without a target."""
    minutes = target_minutes(targets_for(workspace, team), kind)
    if minutes is None:
        return None
    due = add_office_minutes(schedule_for(workspace, team), started_at, minutes)
    return (minutes, due) if due is not None else None


def running_target(conversation_id: int) -> ResponseTarget | None:
    return ResponseTarget.objects.filter(conversation_id=conversation_id, outcome=Outcome.RUNNING).first()


def counted_outcome(target: ResponseTarget, now: datetime) -> str | None:
    """How a record counts in the figures at `now`: met, breached (also while running past due), or
    None (still running in time, or cancelled)."""
    if target.outcome in (Outcome.MET, Outcome.BREACHED):
        return target.outcome
    if target.outcome == Outcome.RUNNING and target.due_at <= now:
        return Outcome.BREACHED
    return None


def period_start(day: date, period: str) -> date:
    return day - timedelta(days=day.weekday()) if period == "week" else day


@dataclass
class Tally:
    met: int = 0
    breached: int = 0

    @property
    def counted(self) -> int:
        return self.met + self.breached

    @property
    def share_met(self) -> float | None:
        return self.met / self.counted if self.counted else None

    def add(self, outcome: str) -> None:
        if outcome == Outcome.MET:
            self.met += 1
        else:
            self.breached += 1


@dataclass
class ServiceLevelFigures:
    periods: list[date]
    teams: dict[int, str]
    by_team_period: dict[tuple[int, date], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_team: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_period: dict[date, Tally] = field(default_factory=lambda: defaultdict(Tally))
    total: Tally = field(default_factory=Tally)


def records_between(
    workspace: Workspace, start: datetime, end: datetime, *, kind: str | None = None
) -> QuerySet:
    """The records whose due time falls in [start, end): a target counts in the period it was due."""
    records = ResponseTarget.objects.filter(workspace=workspace, due_at__gte=start, due_at__lt=end)
    if kind:
        records = records.filter(kind=kind)
    return records


def service_level_figures(
    workspace: Workspace,
    *,
    first_day: date,
    last_day: date,
    period: str,
    now: datetime,
    kind: str | None = None,
) -> ServiceLevelFigures:
    """Met and breached targets per team and per day or week (days in the workspace's zone), for
    targets due from `first_day` to `last_day` included and already decided at `now`."""
    zone = ZoneInfo(workspace.timezone)
    start = datetime.combine(first_day, datetime.min.time(), zone)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), zone)
    periods = sorted(
        {period_start(first_day + timedelta(days=n), period) for n in range((last_day - first_day).days + 1)}
    )
    teams = {NO_TEAM: "No team"}
    teams.update(dict(Team.objects.filter(workspace=workspace).order_by("name").values_list("id", "name")))
    figures = ServiceLevelFigures(periods=periods, teams=teams)
    rows = records_between(workspace, start, end, kind=kind).values_list("team_id", "due_at", "outcome")
    for team_id, due_at, outcome in rows:
        counted = counted_outcome(ResponseTarget(due_at=due_at, outcome=outcome), now)
        if counted is None:
            continue
        team_key = team_id or NO_TEAM
        bucket = period_start(due_at.astimezone(zone).date(), period)
        figures.by_team_period[(team_key, bucket)].add(counted)
        figures.by_team[team_key].add(counted)
        figures.by_period[bucket].add(counted)
        figures.total.add(counted)
    return figures


def breached_conversations(
    workspace: Workspace,
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    team_id: int | None = None,
    kind: str | None = None,
) -> list[tuple[ResponseTarget, Conversation]]:
    """The breached targets behind the figures (team_id 0: no team), latest due first, each with its
    conversation."""
    zone = ZoneInfo(workspace.timezone)
    start = datetime.combine(first_day, datetime.min.time(), zone)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), zone)
    records = records_between(workspace, start, end, kind=kind).filter(
        Q(outcome=Outcome.BREACHED) | Q(outcome=Outcome.RUNNING, due_at__lte=now)
    )
    if team_id == NO_TEAM:
        records = records.filter(team__isnull=True)
    elif team_id is not None:
        records = records.filter(team_id=team_id)
    records = records.select_related("conversation__contact", "team").order_by("-due_at", "-id")
    return [(record, record.conversation) for record in records]
