"""The append-only support event log (shared spec: events.md).

One row per event. Product services append rows in the same transaction as their change; the
importer and the events API append imported history. Rows are never updated or deleted.
"""

from django.db import models

from concierge.contacts.models import Contact
from concierge.workspaces.models import Workspace


class Event(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40)
    at = models.DateTimeField()
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    # References by the names the log uses (a conversation's ref, a message's id, …).
    conversation_ref = models.CharField(max_length=64, null=True, blank=True)
    message_ref = models.CharField(max_length=64, null=True, blank=True)
    # The rest of the event's fields as the spec names them (channel, initiator, author, rating, …).
    data = models.JSONField(default=dict, blank=True)
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
        indexes = [
            models.Index(fields=["workspace", "at"], name="event_ws_at"),
            models.Index(fields=["workspace", "contact", "at"], name="event_ws_contact_at"),
            models.Index(fields=["workspace", "conversation_ref", "at"], name="event_ws_conversation_at"),
        ]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} at {self.at.isoformat()}"
