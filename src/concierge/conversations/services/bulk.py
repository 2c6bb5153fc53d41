"""Bulk actions on a selection of the inbox: assign, tag, close or snooze many conversations in one
request, each through the same service a single action uses (its timeline entry, event, announcement
and audit as one action makes them). All or nothing per conversation: each changes in its own
transaction or not at all; one that is already as asked (closed, tagged, assigned) is counted, not
an error. Every id is checked first: one that is not a conversation of the workspace refuses the whole
request before anything changes."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from concierge.conversations.models import Conversation, Tag
from concierge.conversations.services.assignment import assign_conversation
from concierge.conversations.services.states import close_conversation, snooze_conversation
from concierge.conversations.services.tags import tag_conversation
from concierge.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from concierge.workspaces.models import Teammate, Workspace

ACTIONS = ("assign", "tag", "close", "snooze")
MAX_SELECTION = 200

# How a summary names each outcome, per action.
DONE = {"assign": "assigned", "tag": "tagged", "close": "closed", "snooze": "snoozed"}
ALREADY = {
    "assign": "already assigned so",
    "tag": "already tagged so",
    "close": "already closed",
    "snooze": "closed, not snoozed",
}


@dataclass
class BulkOutcome:
    action: str
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # already as asked
    refused: dict[int, str] = field(default_factory=dict)  # id -> why (a conflict found on the way)

    @property
    def summary(self) -> str:
        """ "12 closed, 1 already closed"."""
        parts = [f"{len(self.changed)} {DONE[self.action]}"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} {ALREADY[self.action]}")
        reasons = Counter(self.refused.values())
        parts += [f"{count} not changed: {reason}" for reason, count in sorted(reasons.items())]
        return ", ".join(parts)


def conversations_for_bulk(workspace: Workspace, ids: list[int]) -> list[Conversation]:
    """The selected conversations, in the order given; refuses the selection when it is empty, too
    long, or names a conversation this workspace does not have."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise InvalidInput("Select at least one conversation.", field="ids")
    if len(ids) > MAX_SELECTION:
        raise InvalidInput(f"Select at most {MAX_SELECTION} conversations at a time.", field="ids")
    found = {
        c.pk: c for c in Conversation.objects.filter(workspace=workspace, pk__in=ids).select_related("team")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            f"No conversation with id {missing[0]} in this workspace: nothing was changed.", field="ids"
        )
    return [found[i] for i in ids]


def apply_in_bulk(
    workspace: Workspace,
    ids: list[int],
    action: str,
    *,
    teammate: Teammate,
    assignee: Teammate | None = None,
    tag: Tag | None = None,
    until: datetime | None = None,
) -> BulkOutcome:
    """Apply one action to each selected conversation (see the module's docstring)."""
    if action not in ACTIONS:
        raise InvalidInput(f"Choose what to do: one of {', '.join(ACTIONS)}.", field="action")
    if action == "tag" and tag is None:
        raise InvalidInput("Name the tag to add.", field="tag")
    if action == "snooze" and until is None:
        raise InvalidInput("Choose when the conversations come back.", field="until")
    for obj in (teammate, assignee, tag):
        if obj is not None and obj.workspace_id != workspace.pk:
            raise NotFound("That belongs to another workspace: nothing was changed.")
    conversations = conversations_for_bulk(workspace, ids)
    outcome = BulkOutcome(action)
    for conversation in conversations:
        try:
            changed = _apply(conversation, action, teammate, assignee, tag, until)
        except ServiceError as error:
            if action in ("close", "snooze") and isinstance(error, Conflict):  # closed meanwhile
                outcome.unchanged.append(conversation.pk)
            else:
                outcome.refused[conversation.pk] = error.message
            continue
        (outcome.changed if changed else outcome.unchanged).append(conversation.pk)
    return outcome


def _apply(conversation, action, teammate, assignee, tag, until) -> bool:
    if action == "close":
        if conversation.state == Conversation.State.CLOSED:
            return False
        close_conversation(conversation, by="teammate", teammate=teammate)
        return True
    if action == "snooze":
        if conversation.state == Conversation.State.CLOSED:
            return False
        snooze_conversation(conversation, until=until, teammate=teammate)
        return True
    if action == "tag":
        return tag_conversation(conversation, tag, teammate=teammate)
    if conversation.assignee_id == (assignee.pk if assignee else None):
        return False
    assign_conversation(conversation, teammate=teammate, assignee=assignee, team=conversation.team)
    return True
