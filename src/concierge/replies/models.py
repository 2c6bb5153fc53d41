from django.db import models

from concierge.conversations.models import Conversation, Part
from concierge.workspaces.models import Teammate, Workspace

# ---------- The reply coach ----------


class CoachSettings(models.Model):
    """The workspace's chosen voice: the tone the coach steers replies towards (docs/coach.md)."""

    class Voice(models.TextChoices):
        CASUAL = "casual", "Casual: professional but warm"
        FORMAL = "formal", "Formal"

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    voice = models.CharField(max_length=8, choices=Voice.choices, default=Voice.CASUAL)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Coach settings of workspace {self.workspace_id}"


class CoachReview(models.Model):
    """What the coach said about one sent reply (docs/coach.md): its judgements and hints, kept so the
    team can see how often each element is present and how customers answered with and without it.
    A judgement is None when the reply's language has no rules (`judged` False)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    part = models.OneToOneField(Part, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    locale = models.CharField(max_length=20, blank=True, default="")
    judged = models.BooleanField(default=False)
    restates = models.BooleanField(null=True)
    reasoning = models.BooleanField(null=True)
    resolution = models.BooleanField(null=True)
    overpromise = models.BooleanField(null=True)
    tone = models.CharField(max_length=8, blank=True, default="")
    hints = models.JSONField(default=list, blank=True)
    voice = models.CharField(max_length=8, default="casual")  # the team's voice the tone was held to
    sent_at = models.DateTimeField()  # when the reply was sent (the part's instant)
    reviewed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "sent_at"], name="coach_review_period")]

    def __str__(self) -> str:
        return f"Coach review of part {self.part_id}"
