"""The descriptions of proactive messages now live in outbound (its migration 0002 copied every row
into an imported message first): the log's own table of them goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_tracked_events_by_time"),
        ("outbound", "0002_messages_described_by_the_log"),
    ]

    operations = [
        migrations.DeleteModel(
            name="MessageDescription",
        ),
    ]
