from django.db import models

from concierge.conversations.models import Conversation, Part
from concierge.workspaces.models import Team, Teammate, Workspace

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


# ---------- Saved replies and macros (docs/saved-replies.md) ----------


class SavedReplyFolder(models.Model):
    """A folder of saved replies, by name, shared by the whole workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="saved_reply_folder_name_unique")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SavedReply(models.Model):
    """A reply written once and sent many times: a title, a Markdown body per language (versions) with
    variables, and the actions a macro runs when it is sent. Who may see and use it: the workspace, one
    team's members, or only its owner."""

    class Visibility(models.TextChoices):
        WORKSPACE = "workspace", "Everyone in the workspace"
        TEAM = "team", "One team"
        PERSONAL = "personal", "Only me"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120)
    folder = models.ForeignKey(
        SavedReplyFolder, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.WORKSPACE)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Teammate, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The macro: routing's actions, cleaned (routing.services.rules.clean_actions); "assign_me" is the
    # sender.
    actions = models.JSONField(default=list, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(visibility="team") | models.Q(team__isnull=False),
                name="saved_reply_team_visibility_names_a_team",
            ),
            models.CheckConstraint(
                condition=~models.Q(visibility="personal") | models.Q(owner__isnull=False),
                name="saved_reply_personal_visibility_names_an_owner",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "-usage_count"])]
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class SavedReplyVersion(models.Model):
    """A saved reply's text in one language (a locale as the contacts have it: "en", "es", "pt-BR")."""

    saved_reply = models.ForeignKey(SavedReply, on_delete=models.CASCADE, related_name="versions")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=20)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_reply", "locale"], name="saved_reply_one_version_per_locale"
            )
        ]
        ordering = ["locale"]

    def __str__(self) -> str:
        return f"{self.saved_reply_id} ({self.locale})"


class SavedReplyAttachment(models.Model):
    """A file that goes with a saved reply (kept in Django's storage)."""

    saved_reply = models.ForeignKey(SavedReply, on_delete=models.CASCADE, related_name="attachments")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="saved-replies/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
