"""A proactive message's email goes out like every email Concierge sends (kept, queued, sent by the
worker), from the workspace's mailbox, with List-Unsubscribe and one-click unsubscribe headers."""

from django.db import transaction

from concierge.mail.models import MailMessage
from concierge.mail.services.proactive import queue_proactive_email

CASEY = "casey@customer.test"
UNSUBSCRIBE = "https://support.acme.test/o/acme/unsubscribe/token/"


def _queue(workspace, sender=None):
    with transaction.atomic():
        return queue_proactive_email(
            workspace,
            to_address=CASEY,
            subject="What's new in March",
            body_html="<p>Hello Casey, exports are faster.</p>",
            sender=sender,
            unsubscribe_url=UNSUBSCRIBE,
        )


def test_a_proactive_email_is_sent_from_the_mailbox_with_unsubscribe_headers(
    workspace, support, agent, mailbox, run_tasks
):
    queued = _queue(workspace, sender=agent)
    assert queued.outcome == "pending" and queued.via == "proactive"
    assert run_tasks() == ["sent"]
    (email,) = mailbox.to(CASEY)
    assert email["From"] == "Avery Agent from Acme Support <support@acme.test>"
    assert email["Reply-To"] == "support@acme.test"
    assert email["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "exports are faster" in email.get_body(preferencelist=("plain",)).get_content()
    assert MailMessage.objects.get(pk=queued.pk).outcome == "sent"


def test_without_a_mailbox_it_comes_from_the_servers_address(workspace, mailbox, run_tasks, settings):
    settings.DEFAULT_FROM_EMAIL = "Concierge <hello@concierge.test>"
    _queue(workspace)
    run_tasks()
    (email,) = mailbox.to(CASEY)
    assert email["From"] == "Acme Support <hello@concierge.test>"


def test_a_refused_address_fails_the_email_and_nothing_else(workspace, support, mailbox, run_tasks):
    mailbox.refused[CASEY] = "550 5.1.1 No such user"
    queued = _queue(workspace)
    (outcome,) = run_tasks()
    assert outcome.startswith("failed")
    assert MailMessage.objects.get(pk=queued.pk).outcome == "failed"
