from django.db import migrations


class Migration(migrations.Migration):
    """The app's start: each concern's tables come in the migrations after this one."""

    initial = True
    dependencies = []
    operations = []
