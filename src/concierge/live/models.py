"""The live tables: the recent changes streams read (and resume from), who is viewing a conversation,
the teammates' notifications and their preferences."""

from django.db import models

from concierge.workspaces.models import Teammate, Workspace


class LiveChange(models.Model):
    """One event for the open streams. Its id is the server-sent event's id (`Last-Event-ID`).

    `audience`: "team" (every teammate of the workspace), "teammate:<id>" (one teammate) or
    "contact:<id>" (one customer). Kept about an hour (the worker prunes older ones): long enough
    for a dropped stream to resume without missing anything."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=40)
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    # Who caused it ("teammate:<id>", "contact:<id>"), for throttling typing; blank when no one.
    sender = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "audience", "id"], name="live_change_audience"),
            models.Index(fields=["created_at"], name="live_change_age"),
            models.Index(fields=["sender", "kind", "created_at"], name="live_change_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.audience} #{self.id}"


class ConversationViewer(models.Model):
    """A teammate has a conversation open (the page heartbeats every ~20 s)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation_id = models.BigIntegerField()
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation_id", "teammate"], name="live_one_viewer_row"),
        ]
        indexes = [
            models.Index(fields=["workspace", "conversation_id", "seen_at"], name="live_viewer_recent")
        ]

    def __str__(self) -> str:
        return f"teammate {self.teammate_id} viewing conversation {self.conversation_id}"


class Notification(models.Model):
    """Something a teammate is told: a conversation assigned to them, an @mention in a note."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "A conversation is assigned to me"
        MENTIONED = "mentioned", "I am @mentioned in a note"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    conversation_id = models.BigIntegerField()
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=300, blank=True, default="")
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["teammate", "conversation_id", "seen_at"], name="live_notification_unseen")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for teammate {self.teammate_id}: {self.title}"


class NotificationPreference(models.Model):
    """How one teammate wants to be told of one kind of notification. No row: every way is on."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Notification.Kind.choices)
    in_page = models.BooleanField(default=True)
    browser = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teammate", "kind"], name="live_one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"teammate {self.teammate_id}'s {self.kind} notifications"
