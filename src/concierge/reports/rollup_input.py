"""What a batch of events changes in the funnel's rollups, gathered without the database.

The rollup services work per contact and per conversation; gathering a batch's events into that
shape is the only work they would do per event. The importer's reader process does it while the
writer writes the previous batch, so the writer never looks at single events.

Contacts are named by a key: an index into the batch's list of contacts (the reader knows contacts
only by the log's external ids) or the contact's id. `with_contact_ids` turns the first into the
second. A conversation's start is kept apart from its other merged facts because its tie-break (two
starts at the same instant) compares contacts' ids.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from concierge.events import types as event_types
from concierge.reports.funnel import CONTACT_START, CONVERSATION_EVENT_TYPES, SEEKING_KINDS, ConversationState

# The pair's flag an engagement event sets (reports.models.OutboundPair).
ENGAGEMENT_FLAG = {
    event_types.OUTBOUND_OPENED: "opened",
    event_types.OUTBOUND_CLICKED: "clicked",
    event_types.OUTBOUND_REACTED: "reacted",
}


@dataclass(slots=True)
class ConversationChange:
    """A batch's events of one conversation: every fact but the start merged, and the starts as
    (at_us, initiator, contact key)."""

    merged: ConversationState
    starts: list[tuple[int, str, Hashable]] = field(default_factory=list)


@dataclass(slots=True)
class RollupInput:
    """A batch's funnel events, gathered: the contacts they name, each contact's seeking actions
    (at_us, kind), the conversations they change, proactive sends (contact, message, at_us) and
    engagements (contact, message, flag)."""

    contacts: set = field(default_factory=set)
    actions: dict[Hashable, list[tuple[int, str]]] = field(default_factory=dict)
    conversations: dict[str, ConversationChange] = field(default_factory=dict)
    sends: list[tuple[Hashable, str, int]] = field(default_factory=list)
    engagements: list[tuple[Hashable, str, str]] = field(default_factory=list)

    def with_contact_ids(self, contact_ids: Sequence[int]) -> "RollupInput":
        """The same input with contact keys (indexes into `contact_ids`) turned into ids."""
        return RollupInput(
            contacts={contact_ids[key] for key in self.contacts},
            actions={contact_ids[key]: actions for key, actions in self.actions.items()},
            conversations={
                ref: ConversationChange(
                    change.merged, [(at, who, contact_ids[key]) for at, who, key in change.starts]
                )
                for ref, change in self.conversations.items()
            },
            sends=[(contact_ids[key], message, at) for key, message, at in self.sends],
            engagements=[(contact_ids[key], message, flag) for key, message, flag in self.engagements],
        )

    def to_plain(self) -> tuple:
        """Only tuples, lists, dicts, strings and numbers (for marshal, between processes)."""
        return (
            list(self.contacts),
            self.actions,
            {
                ref: (_state_values(change.merged), change.starts)
                for ref, change in self.conversations.items()
            },
            self.sends,
            self.engagements,
        )

    @classmethod
    def from_plain(cls, plain: tuple) -> "RollupInput":
        contacts, actions, conversations, sends, engagements = plain
        return cls(
            set(contacts),
            actions,
            {
                ref: ConversationChange(ConversationState(ref, *values), starts)
                for ref, (values, starts) in conversations.items()
            },
            sends,
            engagements,
        )


def _state_values(state: ConversationState) -> tuple:
    return (
        state.contact_id,
        state.started_us,
        state.initiator,
        state.bot_answered,
        state.first_teammate_reply_us,
        state.last_closed_us,
        state.last_close_by,
        state.last_reopened_us,
        state.rating,
        state.rated_us,
    )


def gather_rollup_input(events: Iterable, contact_key: Callable[[object], Hashable]) -> RollupInput:
    """Gather events (LogEvent-like: type, at_us, conversation_ref, message_ref, data) by contact
    and conversation; `contact_key` names each event's contact. Types outside the funnel are left out."""
    gathered = RollupInput()
    contacts, actions, conversations = gathered.contacts, defaultdict(list), gathered.conversations
    sends, engagements = gathered.sends, gathered.engagements
    funnel_types = event_types.SPEC_EVENT_TYPES
    for event in events:
        type_ = event.type
        if type_ not in funnel_types:
            continue
        key = contact_key(event)
        contacts.add(key)
        kind = SEEKING_KINDS.get(type_)
        if kind is not None:
            actions[key].append((event.at_us, kind))
        elif type_ in CONVERSATION_EVENT_TYPES:
            started = type_ == event_types.CONVERSATION_STARTED
            initiator = event.data.get("initiator", "contact") if started else None
            if initiator == "contact":
                actions[key].append((event.at_us, CONTACT_START))
            ref = event.conversation_ref
            if not ref:
                continue
            change = conversations.get(ref)
            if change is None:
                change = conversations[ref] = ConversationChange(ConversationState(ref))
            if started:
                change.starts.append((event.at_us, initiator, key))
            else:
                change.merged.merge(type_, event.at_us, None, event.data)
        elif type_ == event_types.OUTBOUND_SENT:
            sends.append((key, event.message_ref, event.at_us))
        elif type_ in ENGAGEMENT_FLAG:
            engagements.append((key, event.message_ref, ENGAGEMENT_FLAG[type_]))
    gathered.actions = dict(actions)
    return gathered
