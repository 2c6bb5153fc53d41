"""Proactive messages sent as emails are kept and sent like every other email (via "proactive")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0004_imap_security'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mailmessage',
            name='via',
            field=models.CharField(choices=[('listener', 'Listener'), ('http', 'Http'), ('imap', 'Imap'), ('reply', 'Reply'), ('auto_ack', 'Auto Ack'), ('outbound', 'Outbound'), ('offline', 'Offline'), ('proactive', 'Proactive')], max_length=10),
        ),
    ]
