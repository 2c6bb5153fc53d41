"""Background work of insights: the shipped replies, and the weekly digest (recurring). Each task
re-reads what it acts on and is safe to run twice."""

from datetime import timedelta

from django_tasks import task


@task()
def send_shipped_replies_task(notice_id: int) -> int:
    # Imported here: the shipping service enqueues this task, so a module-level import would be circular.
    from concierge.insights.services.shipping import send_shipped_replies

    return send_shipped_replies(notice_id)


@task()
def send_due_digests_task() -> int:
    from concierge.insights.services.digest import send_due_digests

    return send_due_digests()


RECURRING = [(send_due_digests_task, timedelta(minutes=15))]
