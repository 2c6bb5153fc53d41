"""Proactive messages known only from imported history: the log's `outbound_message` records
(shared/spec/events.md) create or update them, handed over by the events importer and API
(events.message_records, registered in apps.py).

Such a message is marked `imported`: it has a ref, a content type, a sender (the teammate's id in
the log, `sender_ref`) and tags, and no content; the pages show it read only. A record replaces only
the fields it names, even after the message was sent, so a tag given later counts for earlier sends
in the report. A record naming a message written in Concierge is refused: that message is described
where it is edited.
"""

from django.utils import timezone

from concierge.core.errors import InvalidInput
from concierge.events.parsing import MessageRecord
from concierge.outbound.models import Message
from concierge.workspaces.models import Workspace


def apply_message_record(workspace: Workspace, record: MessageRecord) -> Message:
    """Create or update the imported message the record describes (inside the importer's savepoint)."""
    now = timezone.now()
    message = Message.objects.filter(workspace=workspace, ref=record.ref).first()
    if message is None:
        message = Message(
            workspace=workspace,
            ref=record.ref,
            imported=True,
            name=record.ref,
            content_type="",
            state=Message.State.STOPPED,
            created_at=now,
        )
    elif not message.imported:
        raise InvalidInput(
            f"message '{record.ref}' was written in Concierge: describe it there, not by an import",
            field="id",
        )
    fields = record.fields
    if "content_type" in fields:
        message.content_type = fields["content_type"] or ""
    if "sender" in fields:
        message.sender_ref = fields["sender"]
    if "tags" in fields:
        message.tags = list(fields["tags"] or [])
    message.updated_at = now
    message.save()
    return message
