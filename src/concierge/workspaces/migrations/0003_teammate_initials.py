from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0002_audit_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="teammate",
            name="initials",
            field=models.CharField(blank=True, default="", max_length=3),
        ),
    ]
