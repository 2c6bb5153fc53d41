"""A conversation's state: open, snoozed until a time, or closed."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.conversations import event_types as conversation_event_types
from concierge.conversations.announcements import (
    ConversationClosed,
    ConversationHandedOver,
    ConversationReopened,
    ConversationSnoozed,
)
from concierge.conversations.models import Conversation, Part
from concierge.conversations.services.timeline import (
    add_part,
    change_if_state_is,
    check_same_workspace,
    happened,
    instant,
    lock,
    record_conversation_event,
    touch,
)
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.reactions import announce
from concierge.events import types as event_types
from concierge.workspaces.models import Teammate, Workspace

Author = Part.Author
Kind = Part.Kind
State = Conversation.State


def close_conversation(
    conversation: Conversation,
    *,
    by: str = "teammate",
    teammate: Teammate | None = None,
    at: datetime | None = None,
    reason: str = "",
    data: dict | None = None,
) -> Conversation:
    """`reason` is shown to teammates on the closing line (the bot says why it closed). `data`: more to
    say on the timeline's entry (a routing rule names itself there)."""
    if by not in event_types.CLOSED_BY:
        raise InvalidInput(f"by must be one of {', '.join(event_types.CLOSED_BY)}.", field="by")
    check_same_workspace(conversation, teammate)
    at = instant(at)
    with transaction.atomic():
        change_if_state_is(
            conversation,
            (State.OPEN, State.SNOOZED),
            "The conversation is already closed.",
            state=State.CLOSED,
            snoozed_until=None,
            closed_at=at,
        )
        closing = {"state": "closed", **({"reason": reason} if reason else {}), **(data or {})}
        add_part(conversation, kind=Kind.STATE, author_type=by, teammate=teammate, data=closing, at=at)
        touch(conversation, at)
        record_conversation_event(conversation, event_types.CONVERSATION_CLOSED, at, by=by)
        announce(ConversationClosed(**happened(conversation, at, teammate), by=by))
    return conversation


def bring_back_to_open(
    conversation: Conversation, at: datetime, *, teammate: Teammate | None = None, reason: str = ""
) -> bool:
    """Open a closed or snoozed conversation again, under its row's lock; False when it already was
    open (nothing written). Runs in the caller's transaction."""
    lock(conversation)
    was = conversation.state
    if was == State.OPEN:
        return False
    conversation.state = State.OPEN
    conversation.snoozed_until = None
    conversation.save(update_fields=["state", "snoozed_until"])
    add_part(
        conversation,
        kind=Kind.STATE,
        author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
        teammate=teammate,
        data={"state": "open", "was": was, "reason": reason},
        at=at,
    )
    if was == State.CLOSED:
        record_conversation_event(conversation, event_types.CONVERSATION_REOPENED, at)
    announce(ConversationReopened(**happened(conversation, at, teammate), was=str(was), reason=reason))
    return True


def hand_over_to_team(conversation: Conversation, *, reason: str, at: datetime | None = None) -> Conversation:
    """The automated side steps back: the conversation stays (or comes back) open for the team, with a
    line saying why. Routing, when it comes, assigns it by reacting to ConversationHandedOver."""
    at = instant(at)
    with transaction.atomic():
        if not bring_back_to_open(conversation, at, reason=reason):
            add_part(
                conversation,
                kind=Kind.STATE,
                author_type=Author.SYSTEM,
                data={"state": "open", "handover": True, "reason": reason},
                at=at,
            )
        touch(conversation, at)
        record_conversation_event(
            conversation, conversation_event_types.CONVERSATION_HANDED_OVER, at, reason=reason
        )
        announce(ConversationHandedOver(**happened(conversation, at, None), reason=reason))
    return conversation


def reopen_conversation(
    conversation: Conversation, *, teammate: Teammate | None = None, at: datetime | None = None
) -> Conversation:
    """Open a closed or snoozed conversation again."""
    check_same_workspace(conversation, teammate)
    at = instant(at)
    with transaction.atomic():
        if not bring_back_to_open(conversation, at, teammate=teammate):
            raise Conflict("The conversation is already open.")
        touch(conversation, at)
    return conversation


def snooze_conversation(
    conversation: Conversation,
    *,
    until: datetime,
    teammate: Teammate | None = None,
    at: datetime | None = None,
    data: dict | None = None,
) -> Conversation:
    """Snooze until a time. `data`: more to say on the timeline's entry (a routing rule names itself)."""
    check_same_workspace(conversation, teammate)
    at = instant(at)
    if timezone.is_naive(until):
        raise InvalidInput("until must carry its zone offset.", field="until")
    if until <= at:
        raise InvalidInput("until must be in the future.", field="until")
    with transaction.atomic():
        change_if_state_is(
            conversation,
            (State.OPEN, State.SNOOZED),
            "A closed conversation cannot be snoozed; reopen it first.",
            state=State.SNOOZED,
            snoozed_until=until,
        )
        add_part(
            conversation,
            kind=Kind.STATE,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            data={"state": "snoozed", "until": until.isoformat(), **(data or {})},
            at=at,
        )
        touch(conversation, at)
        record_conversation_event(
            conversation, conversation_event_types.CONVERSATION_SNOOZED, at, until=until.isoformat()
        )
        announce(ConversationSnoozed(**happened(conversation, at, teammate), until=until))
    return conversation


def wake_snoozed_conversations(workspace: Workspace | None = None, *, at: datetime | None = None) -> int:
    """Bring back every conversation whose snooze has run out. Safe to run any number of times."""
    now = at or timezone.now()
    due = Conversation.objects.filter(state=State.SNOOZED, snoozed_until__lte=now)
    if workspace is not None:
        due = due.filter(workspace=workspace)
    woken = 0
    for conversation_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Re-read under the lock: a reply or a teammate may have changed it since the scan.
            locked = (
                Conversation.objects.select_for_update()
                .select_related("workspace", "contact")
                .filter(pk=conversation_id, state=State.SNOOZED, snoozed_until__lte=now)
                .first()
            )
            if locked is None:
                continue
            woke_at = locked.snoozed_until
            bring_back_to_open(locked, woke_at, reason="snooze ended")  # the row is locked already
            touch(locked, woke_at)  # back at the top of the inbox
            woken += 1
    return woken
