"""A mailbox's IMAP security becomes a choice of three (SSL/TLS, STARTTLS, none on loopback) instead
of "TLS or not": a mailbox with TLS keeps SSL/TLS; one without it gets STARTTLS, or none when its
server is on this machine."""

import ipaddress

from django.db import migrations, models


def _on_loopback(host: str) -> bool:
    host = (host or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def security_from_tls(apps, schema_editor):
    Mailbox = apps.get_model("mail", "Mailbox")
    for mailbox in Mailbox.objects.filter(imap_tls=False):
        mailbox.imap_security = "none" if _on_loopback(mailbox.imap_host) else "starttls"
        mailbox.save(update_fields=["imap_security"])


def tls_from_security(apps, schema_editor):
    Mailbox = apps.get_model("mail", "Mailbox")
    Mailbox.objects.exclude(imap_security="ssl").update(imap_tls=False)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_thread_cc_and_reply_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="mailbox",
            name="imap_security",
            field=models.CharField(
                choices=[
                    ("ssl", "SSL/TLS (IMAPS, usually port 993)"),
                    ("starttls", "STARTTLS (usually port 143)"),
                    ("none", "None (only for a server on this machine)"),
                ],
                default="ssl",
                max_length=8,
            ),
        ),
        migrations.RunPython(security_from_tls, tls_from_security),
        migrations.RemoveField(model_name="mailbox", name="imap_tls"),
    ]
