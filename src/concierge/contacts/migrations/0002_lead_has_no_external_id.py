from django.db import migrations, models


def leads_with_an_external_id_are_users(apps, schema_editor):
    """A lead stored with an external id (the API once took both) is the user that id names."""
    Contact = apps.get_model("contacts", "Contact")
    Contact.objects.filter(kind="lead", external_id__isnull=False).update(kind="user")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [
        migrations.RunPython(leads_with_an_external_id_are_users, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("kind", "lead"), _negated=True), ("external_id__isnull", True), _connector="OR"),
                name="contact_lead_has_no_external_id",
            ),
        ),
    ]
