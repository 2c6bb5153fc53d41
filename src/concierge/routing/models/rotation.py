"""The support-day rotation: per team, an order of teammates and a pattern, and the roster it
generates, one person per day in the team's zone, with swaps and one-off overrides; and each
teammate's secret calendar feed of their support days."""

import secrets

from django.db import models

from concierge.workspaces.models import Team, Teammate, Workspace


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Rotation(models.Model):
    class Pattern(models.TextChoices):
        EVERY_WEEKDAY = "every_weekday", "Every weekday, the next person in the order"
        FIXED_DAYS = "fixed_days", "Each teammate the same day(s) every week"
        WEEKLY = "weekly", "One person a whole week, then the next"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    pattern = models.CharField(max_length=13, choices=Pattern.choices, default=Pattern.EVERY_WEEKDAY)
    days_per_week = models.PositiveSmallIntegerField(default=1)  # fixed_days: 1 or 2
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_per_week__gte=1, days_per_week__lte=2),
                name="rotation_days_per_week_1_2",
            )
        ]

    def __str__(self) -> str:
        return f"Rotation of team {self.team_id}"


class RotationMember(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rotation", "position"], name="rotation_member_position_once"),
            models.UniqueConstraint(fields=["rotation", "teammate"], name="rotation_member_once"),
        ]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}: teammate {self.teammate_id}"


class RosterDay(models.Model):
    """Who is on support one day (a date in the team's zone)."""

    class Origin(models.TextChoices):
        GENERATED = "generated"
        SWAPPED = "swapped"
        OVERRIDE = "override"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=9, choices=Origin.choices, default=Origin.GENERATED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rotation", "day"], name="roster_day_once")]
        indexes = [models.Index(fields=["workspace", "teammate", "day"], name="roster_ws_teammate_day")]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()}: teammate {self.teammate_id}"


class RosterFeed(models.Model):
    """A teammate's secret address for their support days as an iCalendar feed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.OneToOneField(Teammate, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    def __str__(self) -> str:
        return f"Feed of teammate {self.teammate_id}"
