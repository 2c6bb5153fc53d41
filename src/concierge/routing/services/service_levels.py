"""Each conversation's service-level clock: started when a conversation starts or its customer writes
again, stopped by a teammate's reply (met or breached) or a close, and moved when the conversation
changes team. Each runs inside the transaction of the conversation's change (no savepoint of its
own: it adds one query to a reply when no clock runs). Every change keeps `Conversation.response_due_at` in step, in the change's transaction
(subscribed IN_TRANSACTION), so the inbox is right as soon as it reloads."""

from datetime import datetime

from django.db.models import Case, Value, When

from concierge.conversations.announcements import (
    ContactReplied,
    ConversationAssigned,
    ConversationClosed,
    ConversationStarted,
    TeammateReplied,
)
from concierge.conversations.models import Conversation
from concierge.conversations.services import set_response_due
from concierge.routing.models import ResponseTarget
from concierge.routing.selectors.service_levels import due_time, running_target
from concierge.workspaces.models import Team

Outcome = ResponseTarget.Outcome
Kind = ResponseTarget.Kind


def start_response_clock(conversation: Conversation, kind: str, at: datetime) -> ResponseTarget | None:
    """Start the conversation's clock, unless one is already running (the customer writing twice
    before an answer is still waiting for the first) or no target applies."""
    if running_target(conversation.pk) is not None:
        return None
    team = conversation.team
    due = due_time(conversation.workspace, team, kind, at)
    if due is None:
        return None
    minutes, due_at = due
    target = ResponseTarget.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        team=team,
        kind=kind,
        minutes=minutes,
        started_at=at,
        due_at=due_at,
    )
    set_response_due(conversation, due_at)
    return target


def stop_response_clock(conversation_id: int, at: datetime, *, answered: bool) -> int:
    """Stop the running clock: answered, it is met when in time and breached when late; closed without
    an answer, it is breached when already late and otherwise not counted. Returns how many stopped."""
    late = Value(Outcome.BREACHED)
    on_time = Value(Outcome.MET if answered else Outcome.CANCELLED)
    stopped = ResponseTarget.objects.filter(conversation_id=conversation_id, outcome=Outcome.RUNNING).update(
        outcome=Case(When(due_at__gte=at, then=on_time), default=late), ended_at=at
    )
    if stopped:
        set_response_due(Conversation(pk=conversation_id), None)
    return stopped


def move_response_clock_to_team(conversation_id: int, team_id: int | None) -> None:
    """The conversation changed team: its running clock counts by the new team's targets and office
    hours, from when it started (and is reported under that team)."""
    target = running_target(conversation_id)
    if target is None or target.team_id == team_id:
        return
    conversation = Conversation.objects.select_related("workspace").get(pk=conversation_id)
    team = (
        Team.objects.filter(pk=team_id, workspace_id=conversation.workspace_id).first() if team_id else None
    )
    due = due_time(conversation.workspace, team, target.kind, target.started_at)
    if due is None:
        target.outcome, target.ended_at = Outcome.CANCELLED, target.started_at
        target.save(update_fields=["outcome", "ended_at"])
        set_response_due(conversation, None)
        return
    target.team, (target.minutes, target.due_at) = team, due
    target.save(update_fields=["team", "minutes", "due_at"])
    set_response_due(conversation, target.due_at)


def _conversation(conversation_id: int) -> Conversation:
    return Conversation.objects.select_related("workspace", "team").get(pk=conversation_id)


def clock_for_started_conversation(started: ConversationStarted) -> None:
    if started.initiator == Conversation.Initiator.CONTACT:
        start_response_clock(_conversation(started.conversation_id), Kind.FIRST, started.at)


def clock_for_contact_reply(replied: ContactReplied) -> None:
    conversation = _conversation(replied.conversation_id)
    awaiting_first = (
        conversation.initiator == Conversation.Initiator.CONTACT and conversation.first_response_at is None
    )
    start_response_clock(conversation, Kind.FIRST if awaiting_first else Kind.NEXT, replied.at)


def clock_for_teammate_reply(replied: TeammateReplied) -> None:
    stop_response_clock(replied.conversation_id, replied.at, answered=True)


def clock_for_closed_conversation(closed: ConversationClosed) -> None:
    stop_response_clock(closed.conversation_id, closed.at, answered=False)


def clock_for_team_change(assigned: ConversationAssigned) -> None:
    move_response_clock_to_team(assigned.conversation_id, assigned.team_id)
