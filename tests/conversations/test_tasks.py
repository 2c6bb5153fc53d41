"""Background work for conversations, run the way `concierge worker` runs it: from the database queue."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from concierge.conversations import services
from concierge.conversations.models import Conversation
from concierge.conversations.tasks import wake_snoozed_conversations_task


def snoozed_conversation(workspace, contact, agent, *, until):
    start = timezone.now() - timedelta(hours=3)
    conversation = services.start_conversation(workspace, contact=contact, body="Any update?", at=start)
    return services.snooze_conversation(
        conversation, until=until, teammate=agent, at=start + timedelta(minutes=5)
    )


# The worker commits as it goes and checks its connection between tasks, as in production: it needs
# real transactions, not the test's wrapping one.
@pytest.mark.django_db(transaction=True)
def test_the_worker_wakes_a_snoozed_conversation_whose_time_has_come(workspace, contact, agent):
    due = snoozed_conversation(workspace, contact, agent, until=timezone.now() - timedelta(minutes=1))
    later = snoozed_conversation(workspace, contact, agent, until=timezone.now() + timedelta(hours=2))

    call_command("worker", "--batch", verbosity=0)

    assert Conversation.objects.get(pk=due.pk).state == "open"
    assert Conversation.objects.get(pk=later.pk).state == "snoozed"
    (run,) = DBTaskResult.objects.filter(task_path=wake_snoozed_conversations_task.module_path)
    assert run.status == "SUCCESSFUL"


def test_waking_twice_changes_nothing_the_second_time(workspace, contact, agent):
    due = snoozed_conversation(workspace, contact, agent, until=timezone.now() - timedelta(minutes=1))

    assert wake_snoozed_conversations_task.call() == 1
    parts = due.parts.count()
    assert wake_snoozed_conversations_task.call() == 0
    assert due.parts.count() == parts


@pytest.mark.django_db(transaction=True)
def test_the_worker_does_not_queue_recurring_work_twice(workspace):
    wake_snoozed_conversations_task.enqueue()  # one already waiting, e.g. from another worker
    call_command("worker", "--batch", verbosity=0)
    assert DBTaskResult.objects.filter(task_path=wake_snoozed_conversations_task.module_path).count() == 1
