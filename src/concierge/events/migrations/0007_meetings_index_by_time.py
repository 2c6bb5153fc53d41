from django.db import migrations, models


class Migration(migrations.Migration):
    """The 1:1 session events' partial index by workspace and time (0004 first made it by workspace,
    type and time). Dropped and made again by name, so a database that has either gets this one."""

    dependencies = [
        ("events", "0006_log_data_without_json_check"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_meetings_by_time"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("type__gte", "meeting."), ("type__lt", "meeting/")),
                fields=["workspace", "at"],
                name="event_meetings_by_time",
            ),
        ),
    ]
