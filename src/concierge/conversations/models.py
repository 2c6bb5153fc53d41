import uuid

from django.db import models

from concierge.contacts.models import Contact
from concierge.events import types as event_types
from concierge.workspaces.models import Team, Teammate, Workspace


def new_conversation_ref() -> str:
    return uuid.uuid4().hex[:16]


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="tag_name_unique_in_workspace")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    # The channels and initiators the support log's format knows (events.types): one list for both.
    Channel = models.TextChoices(
        "Channel", [(name.upper(), name) for name in event_types.CONVERSATION_CHANNELS]
    )
    Initiator = models.TextChoices("Initiator", [(name.upper(), name) for name in event_types.INITIATORS])

    class State(models.TextChoices):
        OPEN = "open"
        SNOOZED = "snoozed"
        CLOSED = "closed"

    class Priority(models.TextChoices):
        # As most help desks grade it; "normal" is what nobody has judged yet.
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conversations")
    # How the event log names this conversation (imported logs bring their own names).
    ref = models.CharField(max_length=64, default=new_conversation_ref)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.MESSENGER)
    initiator = models.CharField(max_length=10, choices=Initiator.choices, default=Initiator.CONTACT)
    started_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200, blank=True, default="")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_conversations"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    tags = models.ManyToManyField(Tag, related_name="conversations", blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_remark = models.TextField(blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # When the customer is owed an answer by the service-level targets (routing keeps it); empty: not owed.
    response_due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    bot_answered = models.BooleanField(default=False)
    last_activity_at = models.DateTimeField()
    last_part_preview = models.CharField(max_length=200, blank=True, default="")
    # Read state: the latest instant the customer had the conversation in front of them (the
    # messenger's "seen", the conversation's page from an email). Messages after it are unread.
    contact_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="conversation_ref_unique_in_workspace"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="conversation_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "-last_activity_at", "-id"], name="conv_ws_activity"),
            models.Index(
                fields=["workspace", "state", "-last_activity_at", "-id"], name="conv_ws_state_activity"
            ),
            models.Index(
                fields=["workspace", "assignee", "-last_activity_at"], name="conv_ws_assignee_activity"
            ),
            models.Index(fields=["workspace", "team", "-last_activity_at"], name="conv_ws_team_activity"),
            models.Index(fields=["workspace", "contact", "-created_at"], name="conv_ws_contact_created"),
            models.Index(fields=["workspace", "state", "response_due_at"], name="conv_ws_state_due"),
            # Each teammate's open conversations counted from the index alone, no row read (routing's
            # balanced method counts the team's members' at every assignment).
            models.Index(fields=["workspace", "assignee", "state"], name="conv_ws_assignee_state"),
        ]
        ordering = ["-last_activity_at", "-id"]

    def __str__(self) -> str:
        return self.subject or f"Conversation {self.pk}"


class OpenCount(models.Model):
    """How many open conversations a teammate has (snoozed ones wait on the customer), kept by the
    database in the transaction of every write to a conversation, whatever makes it (a service, a
    bulk update, a cascade, an import): triggers on the conversations' table (migration 0007). Routing
    reads it at every assignment instead of counting the teammate's conversations."""

    teammate = models.OneToOneField(Teammate, on_delete=models.CASCADE, primary_key=True, related_name="+")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    open_count = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.teammate_id}: {self.open_count} open"


class Part(models.Model):
    """One entry in a conversation, in order: a message, a note, an automated answer or a change."""

    class Kind(models.TextChoices):
        COMMENT = "comment"  # a message the customer sees (from contact, teammate or bot)
        NOTE = "note"  # internal, teammates only
        BOT_ANSWER = "bot_answer"
        ASSIGNMENT = "assignment"
        STATE = "state"  # closed, reopened, snoozed
        TAGS = "tags"
        RATING = "rating"
        PRIORITY = "priority"

    class Author(models.TextChoices):
        CONTACT = "contact"
        TEAMMATE = "teammate"
        BOT = "bot"
        SYSTEM = "system"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    author_type = models.CharField(max_length=10, choices=Author.choices)
    author_teammate = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True, default="")  # sanitised HTML
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["conversation", "created_at", "id"], name="part_conversation_order")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.author_type} at {self.created_at.isoformat()}"

    @property
    def is_message(self) -> bool:
        return self.kind in {self.Kind.COMMENT, self.Kind.BOT_ANSWER}


class SavedView(models.Model):
    """A teammate's own named inbox list: the filters and search they saved, by name. Private: no
    one else sees or opens it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    teammate = models.ForeignKey(Teammate, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, blank=True, default="")  # the list's URL query
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teammate", "name"], name="saved_view_name_unique_for_teammate")
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
