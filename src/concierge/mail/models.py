"""The email channel's tables: a workspace's support addresses (mailboxes), the thread that ties an
email conversation to its mailbox, and every message received or sent, with its attachments."""

import secrets

from django.db import models

from concierge.conversations.models import Conversation, Part
from concierge.workspaces.models import Team, Workspace


def new_thread_token() -> str:
    """The token of a plus address (support+<token>@…): 16 characters a-z0-9, unguessable."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Mailbox(models.Model):
    """A support address of a workspace, and how mail to it reaches Concierge."""

    class Arrival(models.TextChoices):
        LISTENER = "listener", "SMTP listener (MX or forwarding points at Concierge)"
        HTTP = "http", "HTTP hook (a relay or provider posts the raw message)"
        IMAP = "imap", "IMAP (Concierge polls an existing mailbox)"

    class Security(models.TextChoices):
        SSL = "ssl", "SSL/TLS (IMAPS, usually port 993)"
        STARTTLS = "starttls", "STARTTLS (usually port 143)"
        NONE = "none", "None (only for a server on this machine)"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="mailboxes")
    # Lower case; unique across workspaces, so mail for an address finds one workspace.
    address = models.EmailField(max_length=254, unique=True)
    sender_name = models.CharField(max_length=120)  # replies go out as "<teammate> at <sender_name>"
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signature = models.TextField(blank=True, default="")
    auto_ack_enabled = models.BooleanField(default=False)
    auto_ack_text = models.TextField(blank=True, default="")
    arrival = models.CharField(max_length=8, choices=Arrival.choices, default=Arrival.LISTENER)
    imap_host = models.CharField(max_length=253, blank=True, default="")
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=8, choices=Security.choices, default=Security.SSL)
    imap_user = models.CharField(max_length=254, blank=True, default="")
    imap_password_encrypted = models.TextField(blank=True, default="")  # Fernet token (mail.credentials)
    imap_folder = models.CharField(max_length=200, default="INBOX")
    # What the poller has taken: UIDs are only comparable within one UIDVALIDITY of the folder.
    imap_uid_validity = models.BigIntegerField(null=True, blank=True)
    imap_last_uid = models.BigIntegerField(default=0)
    imap_last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["address"]
        indexes = [models.Index(fields=["workspace", "address"], name="mailbox_ws_address")]

    def __str__(self) -> str:
        return self.address

    @property
    def local_part(self) -> str:
        return self.address.partition("@")[0]

    @property
    def domain(self) -> str:
        return self.address.partition("@")[2]

    def plus_address(self, token: str) -> str:
        return f"{self.local_part}+{token}@{self.domain}"


class MailThread(models.Model):
    """An email conversation and the mailbox it is carried on; its token makes the plus address and
    the hidden marker that thread a reply when its headers do not."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="threads")
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="mail_thread")
    token = models.CharField(max_length=32, unique=True, default=new_thread_token)
    # Where mail to the customer goes (To), and everyone else on the thread, copied (Cc): the other
    # addresses of the latest message received, or as a teammate last set them on a reply.
    customer_address = models.EmailField(max_length=254)
    cc_addresses = models.TextField(blank=True, default="")  # comma-separated
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.mailbox} #{self.token}"

    @property
    def cc_list(self) -> list[str]:
        return [address.strip() for address in self.cc_addresses.split(",") if address.strip()]


class MailMessage(models.Model):
    """One email, received or sent, with the raw RFC 5322 text kept through the storage API."""

    class Direction(models.TextChoices):
        IN = "in"
        OUT = "out"

    class Outcome(models.TextChoices):
        PLACED = "placed", "Placed in a conversation"
        AUTO_REPLY = "auto_reply", "Auto-reply, recorded only"
        BOUNCE = "bounce", "Bounce, recorded only"
        UNPLACED = "unplaced", "Could not be placed"
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    class Via(models.TextChoices):
        LISTENER = "listener"
        HTTP = "http"
        IMAP = "imap"
        REPLY = "reply"  # a teammate's reply, sent
        AUTO_ACK = "auto_ack"  # the mailbox's acknowledgement, sent
        OUTBOUND = "outbound"  # a conversation a teammate started by email
        OFFLINE = "offline"  # messenger replies the customer had not seen (mail.services.offline)
        PROACTIVE = "proactive"  # a proactive message sent as an email (mail.services.proactive)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    via = models.CharField(max_length=10, choices=Via.choices)
    message_id = models.CharField(max_length=255, blank=True, default="")  # without angle brackets
    in_reply_to = models.CharField(max_length=255, blank=True, default="")
    references = models.TextField(blank=True, default="")  # ids separated by spaces
    from_address = models.CharField(max_length=254, blank=True, default="")
    from_name = models.CharField(max_length=190, blank=True, default="")
    to_addresses = models.TextField(blank=True, default="")  # comma-separated
    cc_addresses = models.TextField(blank=True, default="")
    subject = models.CharField(max_length=255, blank=True, default="")
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    part = models.ForeignKey(Part, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raw = models.FileField(upload_to="mail/raw/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(default=0)
    html = models.TextField(blank=True, default="")  # sanitised, the whole message
    text = models.TextField(blank=True, default="")  # the plain-text alternative, the whole message
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True, default="")  # why unplaced, or the last sending error
    attempts = models.PositiveSmallIntegerField(default=0)
    imap_uid = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same message taken twice (an IMAP poll after a restart, a relay's retry) is one row.
            models.UniqueConstraint(
                fields=["workspace", "direction", "message_id"],
                condition=~models.Q(message_id=""),
                name="mail_message_id_once_per_direction",
            ),
            # Messenger replies go by email once: one email per last reply it carries.
            models.UniqueConstraint(
                fields=["part"], condition=models.Q(via="offline"), name="mail_offline_once_per_reply"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "message_id"], name="mail_ws_message_id"),
            models.Index(fields=["workspace", "outcome", "-created_at"], name="mail_ws_outcome"),
            models.Index(fields=["workspace", "conversation"], name="mail_ws_conversation"),
            # The acknowledgements a mailbox sent lately (at most one a day per sender).
            models.Index(fields=["mailbox", "via", "-created_at"], name="mail_mailbox_via_created"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} <{self.message_id}>"


class MailAttachment(models.Model):
    """A file of an email: received with it, or attached by a teammate to a reply (kept when the
    reply is written, with no message until the email is composed)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        MailMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127)
    size = models.PositiveIntegerField()
    content_id = models.CharField(max_length=255, blank=True, default="")  # for cid: in the HTML
    inline = models.BooleanField(default=False)
    file = models.FileField(upload_to="mail/attachments/%Y/%m/")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
