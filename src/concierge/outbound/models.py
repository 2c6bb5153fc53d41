"""Proactive messages (docs/outbound.md): the one description of a proactive message (`Message`, also
for messages known only from imported history), its content per language, who receives it and when
(`Delivery`), the workspace's cap, and who asked for no more proactive email."""

from django.db import models

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation
from concierge.workspaces.models import Teammate, Workspace

REF_MAX_LENGTH = 190
CONTENT_TYPE_MAX_LENGTH = 60


class Message(models.Model):
    """A proactive message. `ref` is how the support log names it (`message` in outbound.* events)."""

    class ContentType(models.TextChoices):
        CHAT = "chat"
        POST = "post"
        BANNER = "banner"
        TOOLTIP_GROUP = "tooltip_group"
        EMAIL = "email"

    class State(models.TextChoices):
        DRAFT = "draft"
        SCHEDULED = "scheduled"
        LIVE = "live"
        PAUSED = "paused"
        STOPPED = "stopped"

    class AudienceKind(models.TextChoices):
        USERS = "users"
        LEADS = "leads"
        EVERYONE = "everyone"

    class AudienceMode(models.TextChoices):
        FIXED = "fixed"  # the members are those who matched when it went live
        DYNAMIC = "dynamic"  # kept up to date: whoever matches when it is delivered

    class Trigger(models.TextChoices):
        NOW = "now"
        SCHEDULE = "schedule"
        PAGE = "page"
        EVENT = "event"

    class ScheduleZone(models.TextChoices):
        CONTACT = "contact"  # the contact's own zone (the workspace's when they have none)
        WORKSPACE = "workspace"

    class Repeat(models.TextChoices):
        ONCE = "once"
        DAILY = "daily"
        WEEKLY = "weekly"
        MONTHLY = "monthly"

    class GoalKind(models.TextChoices):
        NONE = ""
        EVENT = "event"  # the contact tracks an event of this name
        ATTRIBUTE = "attribute"  # the contact's attribute takes this value

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=REF_MAX_LENGTH)
    imported = models.BooleanField(default=False)  # known only from imported history: no content
    name = models.CharField(max_length=190, blank=True, default="")
    content_type = models.CharField(max_length=CONTENT_TYPE_MAX_LENGTH)
    sender = models.ForeignKey(Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sender_ref = models.CharField(max_length=190, null=True, blank=True)  # an imported teammate's id
    tags = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)

    # Who: {"match": "all"|"any", "rules": [{"field"|"attribute"|"event"|"tag": ..., "op": ..., ...}]}
    audience = models.JSONField(default=dict, blank=True)
    audience_kind = models.CharField(
        max_length=8, choices=AudienceKind.choices, default=AudienceKind.EVERYONE
    )
    audience_mode = models.CharField(max_length=8, choices=AudienceMode.choices, default=AudienceMode.DYNAMIC)

    # When
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.NOW)
    page_url = models.CharField(max_length=500, blank=True, default="")  # pattern; * matches anything
    page_seconds = models.PositiveIntegerField(default=0)  # after this long on the page
    event_name = models.CharField(max_length=60, blank=True, default="")
    schedule_on = models.DateField(null=True, blank=True)  # the first (or only) day
    schedule_time = models.TimeField(null=True, blank=True)  # the local time of day
    schedule_zone = models.CharField(
        max_length=10, choices=ScheduleZone.choices, default=ScheduleZone.CONTACT
    )
    repeat = models.CharField(max_length=8, choices=Repeat.choices, default=Repeat.ONCE)
    repeat_until = models.DateField(null=True, blank=True)
    office_hours_only = models.BooleanField(default=False)

    # How often
    max_per_contact = models.PositiveIntegerField(default=1)
    min_gap_days = models.PositiveIntegerField(default=0)
    overrides_cap = models.BooleanField(default=False)  # an outage notice goes past the daily cap

    # Goal
    goal_kind = models.CharField(max_length=10, choices=GoalKind.choices, blank=True, default="")
    goal_name = models.CharField(max_length=60, blank=True, default="")  # event name or attribute name
    goal_value = models.JSONField(null=True, blank=True)  # the attribute's value that meets the goal
    goal_days = models.PositiveIntegerField(default=7)
    stop_when_goal_met = models.BooleanField(default=False)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    went_live_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="outbound_message_ref_unique")
        ]
        indexes = [models.Index(fields=["workspace", "state"], name="outbound_message_state")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.ref


class MessageVersion(models.Model):
    """A message's content in one language: Markdown with personalisation ({{first_name|there}})."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="versions")
    locale = models.CharField(max_length=20)
    subject = models.CharField(max_length=200, blank=True, default="")  # an email's subject, a post's title
    body = models.TextField(blank=True, default="")
    tooltips = models.JSONField(default=list, blank=True)  # [{"selector": "#export", "body": "…"}]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "locale"], name="outbound_version_locale_unique")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.locale})"


class AudienceMember(models.Model):
    """A member of a fixed audience: who matched when the message went live."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "contact"], name="outbound_audience_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.message_id}"


class SendRun(models.Model):
    """One pass of the worker over a message's audience: when it goes live, each occurrence of its
    schedule, each refresh of an audience kept up to date. `after_contact_id` moves forward with each
    batch, in the batch's transaction, so a worker killed mid-send starts again where the last
    committed batch ended: no one skipped, no one twice."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)  # "live:<instant>", "on:<day>", "refresh:<instant>"
    occurrence = models.DateField(null=True, blank=True)  # a schedule's day, in the schedule's zone
    after_contact_id = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "key"], name="outbound_send_run_unique")]
        indexes = [
            models.Index(
                fields=["started_at"],
                name="outbound_send_run_open",
                condition=models.Q(finished_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.key}"


class Delivery(models.Model):
    """A message for one contact: the `sequence`-th time they get it."""

    class State(models.TextChoices):
        PENDING = "pending"  # due at `due_at` (a schedule in the contact's zone, the cap, office hours)
        SENT = "sent"
        SKIPPED = "skipped"
        FAILED = "failed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    locale = models.CharField(max_length=20, blank=True, default="")  # the version chosen
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    reaction = models.CharField(max_length=16, blank=True, default="")
    reacted_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    goal_met_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=40, blank=True, default="")  # why skipped or failed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "contact", "sequence"], name="outbound_delivery_once_per_sequence"
            )
        ]
        indexes = [
            # What is due: the worker reads pending deliveries by time.
            models.Index(
                fields=["due_at"], name="outbound_delivery_due", condition=models.Q(state="pending")
            ),
            # A contact's deliveries (the messenger, the cap, goals), newest first.
            models.Index(fields=["workspace", "contact", "-sent_at"], name="outbound_delivery_contact"),
            models.Index(fields=["message", "sent_at"], name="outbound_delivery_message"),
        ]
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} to {self.contact_id} (#{self.sequence})"


class OutboundSettings(models.Model):
    """The workspace's cap: no contact gets more proactive messages than this in a day."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    daily_cap = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Outbound settings of workspace {self.workspace_id}"


class Unsubscription(models.Model):
    """A contact who asked for no more proactive email."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "contact"], name="outbound_unsubscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} unsubscribed"
