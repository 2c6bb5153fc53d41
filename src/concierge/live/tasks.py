"""The live app's background work. Each task re-reads the database and is safe to run twice."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from concierge.live.models import Notification
from concierge.live.services import mark_notification_emailed, preferences_of, prune_live_changes


@task()
def prune_live_changes_task() -> int:
    """Drop the live changes older than an hour (no stream resumes from that far back)."""
    return prune_live_changes()


@task()
def email_unseen_notification_task(notification_id: int) -> bool:
    """A notification the teammate has not seen in the page by now goes to them by email (if they
    still want that); returns whether an email went."""
    notification = (
        Notification.objects.select_related("teammate__user", "workspace").filter(pk=notification_id).first()
    )
    if notification is None or notification.seen_at is not None or notification.emailed_at is not None:
        return False
    teammate = notification.teammate
    if not teammate.is_active or not teammate.email:
        return False
    if not preferences_of(teammate)[notification.kind]["email"]:
        return False
    link = f"{settings.PUBLIC_URL.rstrip('/')}{notification.url}"
    send_mail(
        subject=notification.title,
        message=f"{notification.body}\n\nOpen the conversation: {link}\n\n"
        f"— Concierge ({notification.workspace.name}). Choose how you are told in your account's settings.",
        from_email=None,
        recipient_list=[teammate.email],
    )
    mark_notification_emailed(notification)
    return True


# Work `concierge worker` enqueues on a schedule: (task, how often).
RECURRING = [(prune_live_changes_task, timedelta(minutes=10))]
