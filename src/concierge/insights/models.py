"""Learning from users: which tags are product feedback, product issues and the conversations that
asked for them, the shipped replies (one claim per conversation), and the weekly digest's records."""

from django.db import models

from concierge.conversations.models import Conversation, Part, Tag
from concierge.workspaces.models import Teammate, Workspace


class FeedbackTag(models.Model):
    """A tag's product-feedback setting. Without a row a tag named like a bug or a feature request
    counts (`insights.selectors.DEFAULT_FEEDBACK_TAG_NAMES`); a row says yes or no for good."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    tag = models.OneToOneField(Tag, on_delete=models.CASCADE, related_name="feedback_setting")
    is_product_feedback = models.BooleanField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.tag_id}: {'product feedback' if self.is_product_feedback else 'not product feedback'}"


class ProductIssue(models.Model):
    """Something the product should do or fix, named once and linked to the conversations asking."""

    class State(models.TextChoices):
        OPEN = "open"
        SHIPPED = "shipped"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True, default="")  # e.g. the tracker's issue
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "state", "-created_at"], name="issue_ws_state_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open") | models.Q(shipped_at__isnull=False),
                name="issue_shipped_has_shipped_at",
            )
        ]

    def __str__(self) -> str:
        return self.title


class IssueLink(models.Model):
    """A conversation that asked for an issue."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    issue = models.ForeignKey(ProductIssue, on_delete=models.CASCADE, related_name="links")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="issue_links")
    linked_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "conversation"], name="issue_link_once_per_conversation")
        ]
        indexes = [models.Index(fields=["workspace", "conversation"], name="issue_link_ws_conversation")]

    def __str__(self) -> str:
        return f"issue {self.issue_id} ← conversation {self.conversation_id}"


class ShippedNotice(models.Model):
    """'It shipped: reply to all', as a teammate asked for it: the text, who, when, and how far the
    worker got. The replies themselves are claimed one per conversation (ShippedReply)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    issue = models.ForeignKey(ProductIssue, on_delete=models.CASCADE, related_name="notices")
    teammate = models.ForeignKey(Teammate, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    replies_sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Shipped notice {self.pk} of issue {self.issue_id}"


class ShippedReply(models.Model):
    """The claim: an issue's shipped reply went to this conversation, once. Written in the reply's own
    transaction, so a retried or doubled task finds it and sends nothing."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    issue = models.ForeignKey(ProductIssue, on_delete=models.CASCADE, related_name="shipped_replies")
    notice = models.ForeignKey(ShippedNotice, on_delete=models.CASCADE, related_name="replies")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey(Part, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "conversation"], name="shipped_reply_once_per_conversation"
            )
        ]

    def __str__(self) -> str:
        return f"Shipped reply of issue {self.issue_id} to conversation {self.conversation_id}"


class DigestSetting(models.Model):
    """A teammate's choice about the weekly digest (no row: they get it)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.OneToOneField(Teammate, on_delete=models.CASCADE, related_name="digest_setting")
    wants_digest = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Digest for teammate {self.teammate_id}: {'on' if self.wants_digest else 'off'}"


class DigestSent(models.Model):
    """One teammate's digest of one week (the Monday of their zone), sent once. The row is the claim
    taken before the email goes (`claimed_at`); `sent_at` is set once the mail server took it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField()  # the Monday, in the teammate's zone
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teammate", "week_of"], name="digest_once_per_teammate_week")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.week_of} to teammate {self.teammate_id}"
