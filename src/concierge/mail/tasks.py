"""Background work of the email channel: sending a queued email (with retries), emailing messenger
replies the customer has not seen (mail.services.offline), and polling the IMAP mailboxes
(recurring, every minute)."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task


@task()
def send_mail_message_task(message_pk: int) -> str:
    # Imported here: the outbound service enqueues this task, so a module-level import would be circular.
    from concierge.mail.services.outbound import send_mail_message

    return send_mail_message(message_pk, max_attempts=settings.MAIL_SEND_ATTEMPTS)


@task()
def email_unseen_replies_task(part_pk: int) -> str:
    from concierge.mail.services.offline import email_unseen_replies

    return email_unseen_replies(part_pk)


@task()
def poll_imap_mailboxes_task() -> str:
    from concierge.mail.services.imap import poll_every_imap_mailbox

    return poll_every_imap_mailbox()


RECURRING = [(poll_imap_mailboxes_task, timedelta(minutes=1))]
