"""A file a customer sent in the messenger: kept through Django's storage API (default_storage), so
S3-like storage can replace the disk. The message it came with names it in its data."""

from django.db import models

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Part
from concierge.workspaces.models import Workspace


class Attachment(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey(Part, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    stored_name = models.CharField(max_length=255)  # the storage's name, never shown
    name = models.CharField(max_length=200)  # the file's name as sent, cleaned
    content_type = models.CharField(max_length=100)  # from the allowed list, never the client's word
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "conversation"], name="messenger_att_conversation")]

    def __str__(self) -> str:
        return self.name
