from django.db import migrations, models

import concierge.workspaces.models


class Migration(migrations.Migration):

    dependencies = [
        ('workspaces', '0005_messenger_settings'),
    ]

    operations = [
        migrations.AddField(
            model_name='workspace',
            name='setup_version',
            field=models.BigIntegerField(default=concierge.workspaces.models.new_setup_version),
        ),
    ]
