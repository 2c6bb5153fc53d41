"""How a team's conversations reach its teammates, and whether a teammate is taking any."""

from django.db import models

from concierge.workspaces.models import Team, Teammate, Workspace


class TeamRouting(models.Model):
    """A team's assignment method. A team without a row is assigned by hand (manual)."""

    class Method(models.TextChoices):
        MANUAL = "manual", "Manual: teammates pick from the team's queue"
        ROUND_ROBIN = "round_robin", "Round-robin: each available teammate in turn"
        BALANCED = "balanced", "Balanced: the available teammate with the fewest open conversations"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="routing")
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.MANUAL)
    # Open conversations a teammate may hold before the team's queue waits for them; None: no limit.
    open_limit = models.PositiveIntegerField(null=True, blank=True)
    # Round-robin's place: the next turn goes to the teammate after this one.
    last_assigned = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(open_limit__isnull=True) | models.Q(open_limit__gte=1),
                name="team_routing_limit_at_least_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} ({self.method})"


class TeammateStatus(models.Model):
    """Whether a teammate is away (takes no new conversations). A teammate without a row is not."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.OneToOneField(Teammate, on_delete=models.CASCADE, related_name="routing_status")
    away = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.teammate} ({'away' if self.away else 'available'})"
