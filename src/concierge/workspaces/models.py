import secrets

from django.conf import settings
from django.db import models


def new_identity_secret() -> str:
    return secrets.token_hex(32)


def new_setup_version() -> int:
    """A set-up version no other change will have had: random, so a change rolled back leaves
    behind no number a later change could take again (workspaces.kept)."""
    return secrets.randbits(62)


DEFAULT_MESSENGER_GREETING = "Hi there 👋 How can we help?"
DEFAULT_MESSENGER_COLOR = "#2f5bd3"


def initials_of(name: str) -> str:
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    locale = models.CharField(max_length=20, default="en")
    # Secret for the messenger's identity verification: user_hash = HMAC-SHA256(secret, user_id).
    identity_secret = models.CharField(max_length=64, default=new_identity_secret)
    # The messenger (docs/messenger-setup.md): the sites that may embed it (origins like
    # "https://app.acme.com"; empty: any), whether only verified users may use it, and how it looks.
    messenger_allowed_origins = models.JSONField(default=list, blank=True)
    messenger_require_verified_identity = models.BooleanField(default=False)
    messenger_greeting = models.CharField(max_length=160, default=DEFAULT_MESSENGER_GREETING)
    messenger_color = models.CharField(max_length=7, default=DEFAULT_MESSENGER_COLOR)
    # Changed with every audited change of the workspace's set-up, in that change's transaction:
    # what a page keeps of the set-up (workspaces.kept) is good while this is the one it was made at.
    setup_version = models.BigIntegerField(default=new_setup_version)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Teammate(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        AGENT = "agent"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teammates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teammates")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)
    timezone = models.CharField(max_length=64, default="UTC")
    locale = models.CharField(max_length=20, default="en")
    # What the teammate's avatar shows (up to three letters); empty: the initials of their name.
    initials = models.CharField(max_length=3, blank=True, default="")
    # The id other systems (and imported event logs) know this teammate by.
    external_id = models.CharField(max_length=120, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="teammate_one_per_user_per_workspace"),
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~models.Q(external_id=""),
                name="teammate_external_id_unique_in_workspace",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def avatar_initials(self) -> str:
        """The letters on the teammate's avatar: their own choice, else the first letters of the first
        and last words of their name ("Olivia Owner" -> "OO", "Cher" -> "C")."""
        return self.initials or initials_of(self.name)

    @property
    def ref(self) -> str:
        """How the event log names this teammate: the id other systems know them by, else ours."""
        return self.external_id or str(self.pk)


class Team(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    members = models.ManyToManyField(Teammate, related_name="teams", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="team_name_unique_in_workspace")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A server-to-server key. Only its SHA-256 is stored; the key itself is shown once.

    A key made on the settings page acts as a teammate (`teammate`): it may do what their role may, and
    stops working while they are deactivated. A key without one (made by `concierge createapikey`,
    someone with the server's shell) acts for the workspace with an owner's rights."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    teammate = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invite(models.Model):
    """An invitation to join the workspace, mailed with a link to set a password. Only the SHA-256 of
    the link's token is stored; the link works once (accepted_at), until expires_at, unless cancelled.
    A resend makes a new token, so the earlier link stops working."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=120, blank=True, default="")
    role = models.CharField(max_length=10, choices=Teammate.Role.choices, default=Teammate.Role.AGENT)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    teammate = models.ForeignKey(Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Why the last email could not be sent (the page offers to send it again); empty when it went.
    send_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            # One open invitation per address and workspace.
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invite_one_open_per_email",
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email


class AuditEntry(models.Model):
    """One configuration change: who made it, when, to what, and each changed field's old and new value.

    Written by `services.record_audit` in the transaction of the change. The actor's and the target's
    labels are kept as text, so an entry still reads right after its teammate, key or target is gone.
    Secrets (passwords, API keys, link tokens) are never recorded."""

    class ActorKind(models.TextChoices):
        TEAMMATE = "teammate", "Teammate"
        API_KEY = "api_key", "API key"
        COMMAND = "command", "Command"
        ADMIN = "admin", "Django admin"
        SYSTEM = "system", "System"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_entries")
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_teammate = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    # What was done, as "<thing>.<verb>": "team.member_added", "api_key.revoked", …
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=40, blank=True, default="")
    target_id = models.BigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True, default="")
    # {"field": [old, new]}; a created thing has null old values, a removed one null new values.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-at", "-id"], name="audit_entry_trail")]
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"
