"""How routing reacts to the conversations' announcements.

Each subscriber runs inside the change's transaction but only to look (one indexed query) whether
the workspace has anything to do: enabled rules for this trigger, or a team that assigns by itself.
Only then is a durable task enqueued with the change, so a workspace without rules costs no task
per message. The task's key names what happened (the conversation, the message), so a run the demo
makes directly and the queued one never both act."""

from concierge.conversations.announcements import (
    ContactReplied,
    ConversationAssigned,
    ConversationClosed,
    ConversationReopened,
    ConversationSnoozed,
    ConversationStarted,
    ConversationTagged,
)
from concierge.core.queue import enqueue_with_change
from concierge.routing.models import Rule, TeamRouting
from concierge.routing.selectors.rules import has_rules_for
from concierge.routing.services.rules import rule_run_key

Trigger = Rule.Trigger


def _queue_rules(announcement, trigger: str, detail: object, part_id: int | None = None) -> None:
    from concierge.routing.tasks import run_rules_task

    if has_rules_for(announcement.workspace_id, trigger):
        enqueue_with_change(
            run_rules_task,
            announcement.workspace_id,
            announcement.conversation_id,
            trigger,
            part_id,
            rule_run_key(trigger, announcement.conversation_id, detail),
        )


def run_rules_when_started(started: ConversationStarted) -> None:
    if started.initiator == "contact":  # a teammate's outreach is theirs already
        _queue_rules(started, Trigger.STARTED, "")


def run_rules_when_contact_replied(replied: ContactReplied) -> None:
    _queue_rules(replied, Trigger.CONTACT_REPLIED, replied.part_id, part_id=replied.part_id)


def run_rules_when_tagged(tagged: ConversationTagged) -> None:
    _queue_rules(tagged, Trigger.TAGGED, f"{tagged.tag_id}.{int(tagged.at.timestamp())}")


def run_rules_when_reopened(reopened: ConversationReopened) -> None:
    _queue_rules(reopened, Trigger.REOPENED, int(reopened.at.timestamp()))


def drain_queues_when_room_is_made(changed) -> None:
    """A conversation closed, snoozed or taken from someone by a teammate: someone may have room."""
    from concierge.routing.tasks import drain_queues_task

    if isinstance(changed, ConversationAssigned) and changed.teammate_id is None and changed.assignee_id:
        return  # routing's own assignments fill room, they never make any
    if TeamRouting.objects.filter(workspace_id=changed.workspace_id).exclude(method="manual").exists():
        enqueue_with_change(drain_queues_task, changed.workspace_id)


SUBSCRIPTIONS = [
    (ConversationStarted, run_rules_when_started),
    (ContactReplied, run_rules_when_contact_replied),
    (ConversationTagged, run_rules_when_tagged),
    (ConversationReopened, run_rules_when_reopened),
    (ConversationClosed, drain_queues_when_room_is_made),
    (ConversationSnoozed, drain_queues_when_room_is_made),
    (ConversationAssigned, drain_queues_when_room_is_made),
]
