"""Each teammate's open conversations as the database keeps them (conversations.OpenCount, kept by
triggers): equal to a count of the conversations after every kind of write — the services, a bulk
update, a delete, a cascade — on SQLite and PostgreSQL alike."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.conversations import services
from concierge.conversations.models import Conversation, OpenCount
from concierge.workspaces.services import add_teammate


def kept(workspace) -> dict[int, int]:
    return {
        teammate_id: count
        for teammate_id, count in OpenCount.objects.filter(workspace=workspace).values_list(
            "teammate_id", "open_count"
        )
        if count
    }


def counted(workspace) -> dict[int, int]:
    return dict(
        Counter(
            Conversation.objects.filter(
                workspace=workspace, state="open", assignee__isnull=False
            ).values_list("assignee_id", flat=True)
        )
    )


def test_kept_counts_follow_every_change_of_assignee_and_state(workspace, owner, agent, contact):
    third = add_teammate(workspace, email="third@acme.test", name="Third", password=None)
    first = services.start_conversation(workspace, contact=contact, body="Export fails")
    second = services.start_conversation(workspace, contact=contact, body="Invoice wrong")
    assert kept(workspace) == {}

    services.assign_conversation(first, teammate=owner, assignee=agent)
    services.assign_conversation(second, teammate=owner, assignee=agent)
    assert kept(workspace) == {agent.pk: 2} == counted(workspace)

    services.assign_conversation(second, teammate=owner, assignee=third)  # moved between two
    assert kept(workspace) == {agent.pk: 1, third.pk: 1} == counted(workspace)

    services.snooze_conversation(first, until=timezone.now() + timedelta(hours=2), teammate=agent)
    assert kept(workspace) == {third.pk: 1} == counted(workspace)  # snoozed waits on the customer

    services.wake_snoozed_conversations(workspace, at=timezone.now() + timedelta(hours=3))
    assert kept(workspace) == {agent.pk: 1, third.pk: 1} == counted(workspace)

    services.close_conversation(first, teammate=agent)
    assert kept(workspace) == {third.pk: 1} == counted(workspace)

    services.reopen_conversation(first, teammate=agent)
    assert kept(workspace) == {agent.pk: 1, third.pk: 1} == counted(workspace)

    services.assign_conversation(first, teammate=owner, assignee=None)  # back to the unassigned queue
    assert kept(workspace) == {third.pk: 1} == counted(workspace)


def test_kept_counts_follow_writes_that_bypass_the_services(
    workspace, owner, agent, contact, other_workspace
):
    conversations = [
        services.start_conversation(workspace, contact=contact, body=f"Question {n}") for n in range(5)
    ]
    Conversation.objects.filter(pk__in=[c.pk for c in conversations]).update(assignee=agent)  # one UPDATE
    assert kept(workspace) == {agent.pk: 5} == counted(workspace)

    Conversation.objects.filter(pk=conversations[0].pk).update(assignee=owner, state="closed")
    conversations[1].delete()
    assert kept(workspace) == {agent.pk: 3} == counted(workspace)

    Conversation.objects.filter(pk=conversations[2].pk).update(state="closed")
    Conversation.objects.filter(pk=conversations[2].pk).update(state="open", assignee=owner)
    assert kept(workspace) == {agent.pk: 2, owner.pk: 1} == counted(workspace)

    Contact.objects.filter(pk=contact.pk).delete()  # its conversations go with it (a cascade)
    assert kept(workspace) == {} == counted(workspace)
    assert kept(other_workspace) == {}


def test_a_removed_teammate_takes_their_count_with_them(workspace, owner, agent, contact):
    conversation = services.start_conversation(workspace, contact=contact, body="Export fails")
    services.assign_conversation(conversation, teammate=owner, assignee=agent)
    agent_id = agent.pk
    agent.delete()  # the conversation's assignee is set to nobody, the count row goes
    assert not OpenCount.objects.filter(teammate_id=agent_id).exists()
    assert kept(workspace) == {} == counted(workspace)
