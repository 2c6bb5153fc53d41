from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_response_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="contact_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
