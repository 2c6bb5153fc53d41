"""Who a conversation is with: a teammate, a team, both or neither."""

from datetime import datetime

from django.db import transaction

from concierge.conversations import event_types as conversation_event_types
from concierge.conversations.announcements import ConversationAssigned
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services.timeline import (
    add_part,
    check_same_workspace,
    happened,
    instant,
    later_activity,
    record_conversation_event,
)
from concierge.core.reactions import announce
from concierge.workspaces.models import Team, Teammate

Author = Part.Author
Kind = Part.Kind


def assign_conversation(
    conversation: Conversation,
    *,
    teammate: Teammate | None,
    assignee: Teammate | None,
    team: Team | None = None,
    at: datetime | None = None,
    data: dict | None = None,
) -> Conversation:
    """Set the assignee (a teammate, a team, both, or neither to unassign). `teammate`: who assigned
    it (None: the system). Assigning it to whom it is already with changes nothing. `data`: more to
    say on the timeline's entry (a routing rule names itself there)."""
    check_same_workspace(conversation, teammate, assignee, team)
    at = instant(at)
    assignee_id, team_id = (assignee.pk if assignee else None), (team.pk if team else None)
    active_at = later_activity(conversation, at)
    with transaction.atomic(savepoint=False):  # fails whole, with the caller's transaction if any
        # Conditional: of the same assignment made twice at once, one writes and the other finds it done.
        changed = (
            Conversation.objects.filter(pk=conversation.pk)
            .exclude(assignee_id=assignee_id, team_id=team_id)
            .update(assignee=assignee, team=team, last_activity_at=active_at)
        )
        if not changed:
            return conversation
        conversation.assignee, conversation.team, conversation.last_activity_at = assignee, team, active_at
        assignment = {
            "assignee_id": assignee.pk if assignee else None,
            "assignee": assignee.name if assignee else None,
            "team_id": team.pk if team else None,
            "team": team.name if team else None,
        }
        add_part(
            conversation,
            kind=Kind.ASSIGNMENT,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            data={**assignment, **(data or {})},
            at=at,
        )
        record_conversation_event(
            conversation, conversation_event_types.CONVERSATION_ASSIGNED, at, **assignment
        )
        announce(
            ConversationAssigned(
                **happened(conversation, at, teammate),
                assignee_id=assignment["assignee_id"],
                team_id=assignment["team_id"],
            )
        )
    return conversation


def unassign_conversations_of_teammate(
    workspace_id: int, teammate_id: int, *, at: datetime | None = None
) -> int:
    """A teammate who left: their open and snoozed conversations go back to the unassigned queue (a
    team they were with stays), each with its assignment part and event. Returns how many."""
    at = instant(at)
    open_states = (Conversation.State.OPEN, Conversation.State.SNOOZED)
    moved = 0
    with transaction.atomic():
        waiting = Conversation.objects.filter(
            workspace_id=workspace_id, assignee_id=teammate_id, state__in=open_states
        ).select_related("team", "workspace", "contact")
        for conversation in waiting:
            assign_conversation(conversation, teammate=None, assignee=None, team=conversation.team, at=at)
            moved += 1
    return moved
