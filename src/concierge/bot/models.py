from django.db import models

from concierge.conversations.models import Conversation, Part
from concierge.events import types as event_types
from concierge.workspaces.models import Workspace

DEFAULT_ASSUME_RESOLVED_MINUTES = 60
DEFAULT_CHANNELS = ["messenger", "api"]


def default_channels() -> list[str]:
    return list(DEFAULT_CHANNELS)


class BotSettings(models.Model):
    """How a workspace's bot answers; the row is made on the first save (until then, the defaults).
    A threshold left empty is the engine's own default."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="bot_settings")
    enabled = models.BooleanField(default=True)
    assume_resolved_after_minutes = models.PositiveIntegerField(default=DEFAULT_ASSUME_RESOLVED_MINUTES)
    answer_threshold = models.FloatField(null=True, blank=True)
    suggest_threshold = models.FloatField(null=True, blank=True)
    channels = models.JSONField(default=default_channels)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assume_resolved_after_minutes__gte=1)
                & models.Q(assume_resolved_after_minutes__lte=7 * 24 * 60),
                name="bot_assume_resolved_within_a_week",
            ),
        ]

    def __str__(self) -> str:
        return "Automated answers"


class BotQuestion(models.Model):
    """The question a contact opened a conversation with, what the bot did with it, and how it ended."""

    class Verdict(models.TextChoices):
        ANSWERED = "answered"  # confident: a short answer from one article's section
        SUGGESTED = "suggested"  # up to three articles that may answer it
        UNANSWERED = "unanswered"  # nothing confident: silent, the team answers

    class Outcome(models.TextChoices):
        PENDING = "pending"  # answered; the customer has not said
        CONFIRMED = "confirmed"  # "That helped": closed by the bot
        ASSUMED = "assumed"  # no word from the customer in time: closed by the bot
        HANDED_OVER = "handed_over"  # "Talk to a person", or the customer wrote again
        NONE = "none"  # nothing was answered

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="bot_question")
    channel = models.CharField(max_length=10, choices=[(c, c) for c in event_types.CONVERSATION_CHANNELS])
    question = models.TextField()
    locale = models.CharField(max_length=20)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    article = models.CharField(max_length=200, blank=True, default="")  # the answer's article slug
    section = models.CharField(max_length=200, null=True, blank=True)  # its heading (None: the lead)
    confidence = models.FloatField(null=True, blank=True)
    suggestions = models.JSONField(default=list, blank=True)  # article slugs
    part = models.ForeignKey(Part, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    outcome_at = models.DateTimeField(null=True, blank=True)
    handover_reason = models.CharField(max_length=200, blank=True, default="")
    reopened_at = models.DateTimeField(null=True, blank=True)  # after the bot closed it

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-asked_at"], name="botq_ws_asked"),
            models.Index(fields=["workspace", "verdict", "-asked_at"], name="botq_ws_verdict_asked"),
        ]
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def delivered(self) -> bool:
        return self.verdict != self.Verdict.UNANSWERED
