"""The append-only support event log (shared spec: events.md) and the descriptions of proactive messages.

One `Event` row per event. Product services append rows in the same transaction as their change; the
importer and the events API append imported history. Rows are never updated or deleted. The funnel
report never rescans this table: its rollups follow the log as events are appended (events.followers).

Its workspace and contact are referenced without a database constraint, which would cost every
imported event a check at commit: only the log's services write rows, with contacts they have just
resolved, and contacts are never deleted (docs/decisions/log-and-rollups-without-foreign-key-constraints.md).
"""

from django.db import models

from concierge.contacts.models import Contact
from concierge.events.event_types import CONTACT_TRACKED
from concierge.events.types import MEETING_TYPES_FROM, MEETING_TYPES_UNTIL
from concierge.workspaces.models import Workspace

REF_MAX_LENGTH = 190


class LogDataField(models.JSONField):
    """A JSON field without SQLite's per-row JSON_VALID check: the log's services write it only from
    JSON they have serialised themselves, and the check cost every imported event about 2 µs."""

    def db_check(self, connection):
        return None


class Event(models.Model):
    # The composite indexes below lead with the workspace; its own index would only cost inserts.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    type = models.CharField(max_length=40)
    at = models.DateTimeField()
    # No index of its own: contacts are never deleted, and an index on a random key would cost every
    # imported event (the decision above).
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    # References by the names the log uses (a conversation's ref, a message's id, …).
    conversation_ref = models.CharField(max_length=REF_MAX_LENGTH, null=True, blank=True)
    message_ref = models.CharField(max_length=REF_MAX_LENGTH, null=True, blank=True)
    # The rest of the event's fields as the spec names them (channel, initiator, author, rating, …).
    data = LogDataField(default=dict, blank=True)
    # The event's own `id` when it has one: importing it again changes nothing.
    external_id = models.CharField(max_length=190, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="event_external_id_unique_in_workspace",
            )
        ]
        # Few indexes on purpose: each one costs every imported event. The funnel's events are read
        # through the report's rollups, never from the log by time; the 1:1 sessions report reads
        # its own events by time, and only those enter this index (a range condition on the type is
        # cheap to test on every insert, where a list of types is not).
        indexes = [
            models.Index(
                fields=["workspace", "at"],
                name="event_meetings_by_time",
                condition=models.Q(type__gte=MEETING_TYPES_FROM, type__lt=MEETING_TYPES_UNTIL),
            ),
            # What customers' products tracked, by time: proactive messages' audiences ("export failed
            # 3 times in 7 days") read it. Only tracked events enter it; imports never pay for it.
            models.Index(
                fields=["workspace", "at", "contact"],
                name="event_tracked_by_time",
                condition=models.Q(type=CONTACT_TRACKED),
            ),
        ]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} at {self.at.isoformat()}"
