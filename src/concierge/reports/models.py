"""Rollups of the support event log, maintained as events are appended, so the funnel report never
rescans the log.

Row-level rollups (one row per session, per conversation, per send) hold every fact the spec needs
and are recomputed per contact when a late event changes them. Day totals sum them per local day
of the workspace's zone, so a report reads a few hundred rows whatever the volume. Times are integer
microseconds since the Unix epoch (UTC): exact, cheap to compare, the same on SQLite and PostgreSQL.

Indexes are few on purpose (each costs every imported event): keys lead with the workspace or the
contact (a contact belongs to one workspace), so the foreign keys need no index of their own. The
row-level rollups, like the event log, reference the workspace and the contact without a database
constraint (docs/decisions/log-and-rollups-without-foreign-key-constraints.md).
"""

from datetime import UTC, datetime, timedelta

from django.db import models

from concierge.contacts.models import Contact
from concierge.events.models import REF_MAX_LENGTH
from concierge.workspaces.models import Workspace

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instant_from_us(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(microseconds=value)


class RollupState(models.Model):
    """The zone whose local days the day totals are keyed by (the workspace's zone when they were built)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"rollups of workspace {self.workspace_id} in {self.zone}"


class SupportSession(models.Model):
    class Status(models.TextChoices):
        STOPPED = "stopped"
        SELF_SERVE_RESOLVED = "self_serve_resolved"
        HUMAN_AFTER_SELF_SERVE = "human_after_self_serve"
        HUMAN_FROM_START = "human_from_start"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    start_us = models.BigIntegerField()
    end_us = models.BigIntegerField()
    prev_start_us = models.BigIntegerField(null=True, blank=True)  # the contact's previous session
    status = models.CharField(max_length=24, choices=Status.choices)
    # The session's seeking actions, "<microseconds><kind>" joined by ";" (kinds in reports.funnel):
    # a late event re-chains a contact's sessions from these without reading the log.
    actions = models.TextField()
    article_views = models.PositiveIntegerField(default=0)
    article_views_resolved = models.PositiveIntegerField(default=0)
    bot_answered = models.BooleanField(default=False)
    bot_resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "start_us"], name="session_contact_start")]
        indexes = [models.Index(fields=["workspace", "start_us"], name="session_ws_start")]

    def __str__(self) -> str:
        return f"session of contact {self.contact_id} from {self.start.isoformat()}"

    @property
    def start(self) -> datetime:
        return instant_from_us(self.start_us)

    @property
    def end(self) -> datetime:
        return instant_from_us(self.end_us)


class ConversationFacts(models.Model):
    """One conversation as the report sees it (as of the newest event), and the session it belongs to."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    conversation_ref = models.CharField(max_length=REF_MAX_LENGTH)
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    started_us = models.BigIntegerField(null=True, blank=True)
    initiator = models.CharField(max_length=10, blank=True, default="")
    bot_answered = models.BooleanField(default=False)
    first_teammate_reply_us = models.BigIntegerField(null=True, blank=True)
    last_closed_us = models.BigIntegerField(null=True, blank=True)
    last_close_by = models.CharField(max_length=10, blank=True, default="")
    last_reopened_us = models.BigIntegerField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_us = models.BigIntegerField(null=True, blank=True)
    session_start_us = models.BigIntegerField(null=True, blank=True)
    session_status = models.CharField(max_length=24, blank=True, default="")
    human_supported = models.BooleanField(default=False)
    bot_resolved = models.BooleanField(default=False)
    # "after_self_serve" / "from_start" for a human-supported conversation of a session with that
    # status (the report's comparison), else null; the bins let the report read exact medians.
    report_group = models.CharField(max_length=16, null=True, blank=True)
    first_response_bin = models.SmallIntegerField(null=True, blank=True)
    time_to_close_bin = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "conversation_ref"], name="conversation_facts_ref")
        ]
        indexes = [
            models.Index(fields=["contact", "started_us"], name="convfacts_contact_start"),
            models.Index(fields=["workspace", "session_start_us"], name="convfacts_session_start"),
            models.Index(
                fields=["workspace", "report_group", "first_response_bin", "session_start_us"],
                name="convfacts_first_response",
            ),
            models.Index(
                fields=["workspace", "report_group", "time_to_close_bin", "session_start_us"],
                name="convfacts_time_to_close",
            ),
        ]

    def __str__(self) -> str:
        return self.conversation_ref

    @property
    def started_at(self) -> datetime | None:
        return instant_from_us(self.started_us)

    @property
    def session_start(self) -> datetime | None:
        return instant_from_us(self.session_start_us)

    @property
    def first_response_at(self) -> datetime | None:
        return instant_from_us(self.first_teammate_reply_us)

    @property
    def closed(self) -> bool:
        return self.last_closed_us is not None and (
            self.last_reopened_us is None or self.last_reopened_us <= self.last_closed_us
        )

    @property
    def closed_at(self) -> datetime | None:
        return instant_from_us(self.last_closed_us) if self.closed else None

    @property
    def first_response_seconds(self) -> float | None:
        if self.first_teammate_reply_us is None or self.started_us is None:
            return None
        return (self.first_teammate_reply_us - self.started_us) / 1_000_000

    @property
    def time_to_close_seconds(self) -> float | None:
        if not self.closed or self.started_us is None:
            return None
        return (self.last_closed_us - self.started_us) / 1_000_000


class OutboundPair(models.Model):
    """A proactive message and a contact: whether it was ever opened, clicked or reacted to."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    message_ref = models.CharField(max_length=REF_MAX_LENGTH)
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    opened = models.BooleanField(default=False)
    clicked = models.BooleanField(default=False)
    reacted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "contact", "message_ref"], name="outbound_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_ref} to contact {self.contact_id}"


class OutboundSend(models.Model):
    """One `outbound.sent` event, with its pair's engagement (copied from OutboundPair)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    message_ref = models.CharField(max_length=REF_MAX_LENGTH)
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    at_us = models.BigIntegerField()
    prev_at_us = models.BigIntegerField(null=True, blank=True)  # the same pair's previous send
    opened = models.BooleanField(default=False)
    clicked = models.BooleanField(default=False)
    reacted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["contact", "message_ref", "at_us"], name="send_pair_at"),
            models.Index(fields=["workspace", "at_us"], name="send_ws_at"),
        ]

    def __str__(self) -> str:
        return f"{self.message_ref} to contact {self.contact_id} at {self.at.isoformat()}"

    @property
    def at(self) -> datetime:
        return instant_from_us(self.at_us)


# Day totals: `day` is a local date's ordinal (date.toordinal()) in RollupState.zone.


class SessionDayTotals(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.IntegerField()
    status = models.CharField(max_length=24)
    sessions = models.BigIntegerField(default=0)
    article_views = models.BigIntegerField(default=0)
    article_views_resolved = models.BigIntegerField(default=0)
    bot_answered = models.BigIntegerField(default=0)
    bot_resolved = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day", "status"], name="session_day_totals_key")
        ]

    def __str__(self) -> str:
        return f"{self.status} on day {self.day}"


class ReturningDayTotals(models.Model):
    """Sessions starting on `day` whose contact's previous session started on `prev_day`: distinct
    people in a period are its sessions minus those whose previous session is in the period too."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.IntegerField()
    prev_day = models.IntegerField()
    sessions = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day", "prev_day"], name="returning_day_totals_key")
        ]

    def __str__(self) -> str:
        return f"day {self.day} after day {self.prev_day}"


class ConversationDayTotals(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.IntegerField()
    report_group = models.CharField(max_length=16)
    conversations = models.BigIntegerField(default=0)
    ratings = models.BigIntegerField(default=0)
    rating_sum = models.BigIntegerField(default=0)
    ratings_positive = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "day", "report_group"], name="conversation_day_totals_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_group} on day {self.day}"


class DurationDayHistogram(models.Model):
    """How many conversations' first response (or time to close) fall in each duration bin."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.IntegerField()
    report_group = models.CharField(max_length=16)
    metric = models.CharField(max_length=16)  # "first_response" or "time_to_close"
    bin = models.SmallIntegerField()
    conversations = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "day", "report_group", "metric", "bin"],
                name="duration_day_histogram_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} bin {self.bin} of {self.report_group} on day {self.day}"


class SendDayTotals(models.Model):
    """Sends per day and message; prev_day (-1 for none) is the day of the pair's previous send, so
    distinct (message, contact) pairs in a period are the sends whose previous one is before it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.IntegerField()
    message_ref = models.CharField(max_length=REF_MAX_LENGTH)
    prev_day = models.IntegerField()
    opened = models.BooleanField()
    clicked = models.BooleanField()
    reacted = models.BooleanField()
    sends = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "day", "message_ref", "prev_day", "opened", "clicked", "reacted"],
                name="send_day_totals_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_ref} on day {self.day}"
