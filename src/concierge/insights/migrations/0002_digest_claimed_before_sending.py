import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="digestsent",
            name="claimed_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="digestsent",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
