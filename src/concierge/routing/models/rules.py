"""Triage rules: when something happens to a conversation, if its conditions hold, run its actions.

Conditions and actions are kept as JSON lists (their shapes are checked by services.rules, which is
the only writer): a rule is read whole, in order, and never queried by its parts."""

from django.db import models

from concierge.workspaces.models import Workspace


class Rule(models.Model):
    class Trigger(models.TextChoices):
        STARTED = "started", "A conversation is started"
        CONTACT_REPLIED = "contact_replied", "The contact replies"
        TAGGED = "tagged", "A conversation is tagged"
        REOPENED = "reopened", "A conversation is reopened"
        WAITED = "waited_without_reply", "A conversation has waited without a reply"

    class Match(models.TextChoices):
        ALL = "all", "all of the conditions"
        ANY = "any", "any of the conditions"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="routing_rules")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    wait_minutes = models.PositiveIntegerField(null=True, blank=True)  # for the "waited" trigger only
    match = models.CharField(max_length=3, choices=Match.choices, default=Match.ALL)
    conditions = models.JSONField(default=list, blank=True)  # [{"field", "operator", "value"}]
    actions = models.JSONField(default=list, blank=True)  # [{"type", ...its settings}]
    stop_after = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="rule_name_unique_in_workspace"),
            models.CheckConstraint(
                condition=(
                    models.Q(trigger="waited_without_reply", wait_minutes__gte=1)
                    | (~models.Q(trigger="waited_without_reply") & models.Q(wait_minutes__isnull=True))
                ),
                name="rule_wait_minutes_only_when_waiting",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "trigger", "position"], name="rule_ws_trigger_order")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
