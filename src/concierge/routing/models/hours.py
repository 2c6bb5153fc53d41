"""Office hours (the workspace's, and a team's own), the service-level targets counted in them, and
each conversation's record of every target it had: met, breached or still running."""

from django.db import models

from concierge.conversations.models import Conversation
from concierge.workspaces.models import Team, Workspace


class OfficeHours(models.Model):
    """When a workspace (team empty) or one team answers: intervals per weekday in a zone, closed on
    a country's public holidays and on the days listed in `closed_days`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    timezone = models.CharField(max_length=64)
    holiday_country = models.CharField(max_length=3, blank=True, default="")  # ISO 3166-1, e.g. "US"
    holiday_subdivision = models.CharField(max_length=10, blank=True, default="")  # e.g. "NY"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "team"], name="office_hours_one_per_team"),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(team__isnull=True),
                name="office_hours_one_per_workspace",
            ),
        ]

    def __str__(self) -> str:
        return f"Office hours ({self.timezone})"


class OfficeInterval(models.Model):
    """One stretch of a weekday (0 = Monday), wall clock in the office hours' zone. An end of 00:00
    means midnight at the end of the day."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField()
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="office_interval_weekday_0_6"),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")) | models.Q(ends="00:00"),
                name="office_interval_ends_after_start",
            ),
        ]
        ordering = ["weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"


class ClosedDay(models.Model):
    """A day the team is closed beyond the country's holidays (a company day off)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="closed_days")
    day = models.DateField()
    name = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office_hours", "day"], name="closed_day_once")]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}".strip()


class ServiceLevelTarget(models.Model):
    """How soon a customer gets an answer, in minutes of office time: the first response to a new
    conversation, and the next response each time the customer writes again. Empty: no target."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "team"], name="sla_target_one_per_team"),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(team__isnull=True),
                name="sla_target_one_per_workspace",
            ),
        ]

    def __str__(self) -> str:
        return f"first {self.first_response_minutes} min, next {self.next_response_minutes} min"


class ResponseTarget(models.Model):
    """One target one conversation had: when its clock started, when it was due, and how it ended."""

    class Kind(models.TextChoices):
        FIRST = "first", "First response"
        NEXT = "next", "Next response"

    class Outcome(models.TextChoices):
        RUNNING = "running"  # nobody has answered yet (breached once `due_at` has passed)
        MET = "met"
        BREACHED = "breached"
        CANCELLED = "cancelled"  # closed before it was due without an answer: not counted

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    minutes = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=9, choices=Outcome.choices, default=Outcome.RUNNING)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(outcome="running"),
                name="response_target_one_running",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "due_at"], name="response_target_ws_due"),
            models.Index(fields=["workspace", "outcome", "due_at"], name="response_target_ws_outcome"),
        ]
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} response due {self.due_at.isoformat()}: {self.outcome}"
