"""A proactive message is described in one place (docs/decisions/proactive-message-descriptions-
belong-to-outbound.md): every description the log's `outbound_message` records made
(events.MessageDescription) becomes an imported message, with its ref, content type, sender (the
teammate's id in the log) and tags; the events app then drops its table. Going back copies the
imported messages into descriptions again."""

from django.db import migrations


def messages_from_descriptions(apps, schema_editor):
    MessageDescription = apps.get_model("events", "MessageDescription")
    Message = apps.get_model("outbound", "Message")
    for description in MessageDescription.objects.order_by("id").iterator(chunk_size=2000):
        message = Message.objects.filter(workspace_id=description.workspace_id, ref=description.ref).first()
        if message is None:
            message = Message(
                workspace_id=description.workspace_id,
                ref=description.ref,
                imported=True,
                name=description.ref,
                state="stopped",
                audience={"match": "all", "rules": []},
                created_at=description.updated_at,
            )
        elif not message.imported:
            continue  # written in Concierge: it is its own description
        message.content_type = description.content_type or ""
        message.sender_ref = description.sender
        message.tags = list(description.tags or [])
        message.updated_at = description.updated_at
        message.save()


def descriptions_from_messages(apps, schema_editor):
    MessageDescription = apps.get_model("events", "MessageDescription")
    Message = apps.get_model("outbound", "Message")
    for message in Message.objects.filter(imported=True).order_by("id").iterator(chunk_size=2000):
        MessageDescription.objects.update_or_create(
            workspace_id=message.workspace_id,
            ref=message.ref,
            defaults={
                "content_type": message.content_type or None,
                "sender": message.sender_ref,
                "tags": list(message.tags or []),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("outbound", "0001_initial"),
        ("events", "0008_tracked_events_by_time"),
    ]

    operations = [migrations.RunPython(messages_from_descriptions, descriptions_from_messages)]
