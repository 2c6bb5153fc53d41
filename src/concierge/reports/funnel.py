"""The funnel report's definitions (shared/spec/support-report.md) as pure functions over compact facts.

No database here: the rollup services feed these functions and store what they return. Times are
integer microseconds since the Unix epoch, so every comparison is exact.
"""

from dataclasses import dataclass, field

from concierge.events import types as event_types

DAY_US = 86_400 * 1_000_000
SECOND_US = 1_000_000

# A session's seeking actions, by kind (one letter each, as stored in SupportSession.actions).
VISIT = "v"
SEARCH = "s"
VIEW = "a"
CONTACT_START = "c"
SEEKING_KINDS = {
    event_types.HELP_CENTER_VISITED: VISIT,
    event_types.ARTICLE_SEARCHED: SEARCH,
    event_types.ARTICLE_VIEWED: VIEW,
}

STOPPED = "stopped"
SELF_SERVE_RESOLVED = "self_serve_resolved"
HUMAN_AFTER_SELF_SERVE = "human_after_self_serve"
HUMAN_FROM_START = "human_from_start"
STATUSES = (STOPPED, SELF_SERVE_RESOLVED, HUMAN_AFTER_SELF_SERVE, HUMAN_FROM_START)

# The two groups of human-supported conversations the report compares, by their session's status.
AFTER_SELF_SERVE = "after_self_serve"
FROM_START = "from_start"
GROUP_OF_STATUS = {HUMAN_AFTER_SELF_SERVE: AFTER_SELF_SERVE, HUMAN_FROM_START: FROM_START}

CONVERSATION_EVENT_TYPES = frozenset(
    {
        event_types.CONVERSATION_STARTED,
        event_types.BOT_ANSWERED,
        event_types.CONVERSATION_REPLIED,
        event_types.CONVERSATION_CLOSED,
        event_types.CONVERSATION_REOPENED,
        event_types.CONVERSATION_RATED,
    }
)


@dataclass(slots=True)
class ConversationState:
    """What the log says about one conversation, merged event by event in any order.

    Every merge is a min or a max, so the result never depends on the order events arrive in.
    Ties at the same instant are broken by value so that they are deterministic too.
    """

    ref: str
    contact_id: int | None = None
    started_us: int | None = None
    initiator: str = ""
    bot_answered: bool = False
    first_teammate_reply_us: int | None = None
    last_closed_us: int | None = None
    last_close_by: str = ""
    last_reopened_us: int | None = None
    rating: int | None = None
    rated_us: int | None = None

    def merge(self, type_: str, at_us: int, contact_id, data: dict) -> None:
        if type_ == event_types.CONVERSATION_STARTED:
            self.merge_start(at_us, data.get("initiator", "contact"), contact_id)
        elif type_ == event_types.BOT_ANSWERED:
            self.bot_answered = True
        elif type_ == event_types.CONVERSATION_REPLIED:
            if data.get("author") == "teammate":
                self._merge_first_reply(at_us)
        elif type_ == event_types.CONVERSATION_CLOSED:
            self._merge_close(at_us, data.get("by", ""))
        elif type_ == event_types.CONVERSATION_REOPENED:
            self._merge_reopen(at_us)
        elif type_ == event_types.CONVERSATION_RATED and data.get("rating") is not None:
            self._merge_rating(at_us, data["rating"])

    def merge_start(self, at_us: int, initiator: str, contact_id) -> None:
        started = (at_us, initiator, contact_id)
        if self.started_us is None or started < (self.started_us, self.initiator, self.contact_id):
            self.started_us, self.initiator, self.contact_id = started

    def absorb(self, other: "ConversationState") -> None:
        """Merge another state of the same conversation, as if its events were merged one by one."""
        if other.started_us is not None:
            self.merge_start(other.started_us, other.initiator, other.contact_id)
        if other.bot_answered:
            self.bot_answered = True
        if other.first_teammate_reply_us is not None:
            self._merge_first_reply(other.first_teammate_reply_us)
        if other.last_closed_us is not None:
            self._merge_close(other.last_closed_us, other.last_close_by)
        if other.last_reopened_us is not None:
            self._merge_reopen(other.last_reopened_us)
        if other.rated_us is not None:
            self._merge_rating(other.rated_us, other.rating)

    def _merge_first_reply(self, at_us: int) -> None:
        if self.first_teammate_reply_us is None or at_us < self.first_teammate_reply_us:
            self.first_teammate_reply_us = at_us

    def _merge_close(self, at_us: int, by: str) -> None:
        if self.last_closed_us is None or (at_us, by) > (self.last_closed_us, self.last_close_by):
            self.last_closed_us, self.last_close_by = at_us, by

    def _merge_reopen(self, at_us: int) -> None:
        if self.last_reopened_us is None or at_us > self.last_reopened_us:
            self.last_reopened_us = at_us

    def _merge_rating(self, at_us: int, rating: int) -> None:
        if self.rated_us is None or (at_us, rating) > (self.rated_us, self.rating):
            self.rated_us, self.rating = at_us, rating

    @property
    def started(self) -> bool:
        return self.started_us is not None

    @property
    def closed(self) -> bool:
        """Its last close is not followed by a reopen."""
        return self.last_closed_us is not None and (
            self.last_reopened_us is None or self.last_reopened_us <= self.last_closed_us
        )

    @property
    def bot_resolved(self) -> bool:
        return (
            self.bot_answered
            and self.closed
            and self.last_close_by == "bot"
            and not (
                self.first_teammate_reply_us is not None
                and self.first_teammate_reply_us < self.last_closed_us
            )
        )

    @property
    def human_supported(self) -> bool:
        return self.started and self.initiator == "contact" and not self.bot_resolved

    @property
    def first_response_us(self) -> int | None:
        if self.started_us is None or self.first_teammate_reply_us is None:
            return None
        return self.first_teammate_reply_us - self.started_us

    @property
    def time_to_close_us(self) -> int | None:
        if self.started_us is None or not self.closed:
            return None
        return self.last_closed_us - self.started_us


@dataclass(slots=True)
class SessionOutcome:
    """One support session as the report counts it."""

    start_us: int
    actions: list[tuple[int, str]]
    status: str = STOPPED
    article_views: int = 0
    article_views_resolved: int = 0
    bot_answered: bool = False
    bot_resolved: bool = False
    prev_start_us: int | None = None
    conversations: list[ConversationState] = field(default_factory=list)

    @property
    def end_us(self) -> int:
        return self.start_us + DAY_US


def chain_sessions(actions: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split one contact's seeking actions (sorted by time) into sessions of exactly 24 hours: an
    action at start + 24h or later begins a new session."""
    sessions: list[list[tuple[int, str]]] = []
    end = None
    for action in actions:
        if end is None or action[0] >= end:
            sessions.append([action])
            end = action[0] + DAY_US
        else:
            sessions[-1].append(action)
    return sessions


def describe_session(start_us: int, actions: list, conversations: list[ConversationState]) -> SessionOutcome:
    """Status and counts of one session, from its seeking actions and the conversations started in
    it. (One pass over each: it runs for every session an import writes.)"""
    views = 0
    last_contact_start = first_self_serve = None
    for at, kind in actions:
        if kind == VIEW:
            views += 1
        elif kind == CONTACT_START:
            if last_contact_start is None or at > last_contact_start:
                last_contact_start = at
            continue
        elif kind != SEARCH:
            continue
        if first_self_serve is None or at < first_self_serve:
            first_self_serve = at
    resolved_views = views
    if views and last_contact_start is not None:
        resolved_views = sum(1 for at, kind in actions if kind == VIEW and at >= last_contact_start)
    bot_answered = bot_resolved = False
    first_human = None
    for conversation in conversations:
        if conversation.bot_answered:
            bot_answered = True
        if conversation.bot_resolved:
            bot_resolved = True
        elif conversation.human_supported and (first_human is None or conversation.started_us < first_human):
            first_human = conversation.started_us
    if first_human is not None:
        self_served_before = (first_self_serve is not None and first_self_serve < first_human) or any(
            c.bot_answered and c.started_us <= first_human for c in conversations
        )
        status = HUMAN_AFTER_SELF_SERVE if self_served_before else HUMAN_FROM_START
    elif views or bot_resolved:
        status = SELF_SERVE_RESOLVED
    else:
        status = STOPPED
    return SessionOutcome(
        start_us, actions, status, views, resolved_views, bot_answered, bot_resolved, None, conversations
    )


def sessions_of_contact(
    actions: list[tuple[int, str]],
    conversations: list[ConversationState],
    prev_start_us: int | None = None,
) -> list[SessionOutcome]:
    """All sessions from a run of one contact's actions, with the conversations started in each."""
    actions = sorted(actions)
    if conversations:
        conversations = sorted(
            (c for c in conversations if c.started_us is not None), key=lambda c: (c.started_us, c.ref)
        )
    outcomes = []
    index = 0
    for session_actions in chain_sessions(actions):
        start = session_actions[0][0]
        members = []
        if conversations:
            end = start + DAY_US
            while index < len(conversations) and conversations[index].started_us < start:
                index += 1
            while index < len(conversations) and conversations[index].started_us < end:
                members.append(conversations[index])
                index += 1
        outcome = describe_session(start, session_actions, members)
        outcome.prev_start_us = prev_start_us
        prev_start_us = start
        outcomes.append(outcome)
    return outcomes


def duration_bin(duration_us: int) -> int:
    """A coarse, ordered bin of a duration (8 per doubling from one second) for exact medians: the
    report counts per bin, then reads only the conversations of the bin that holds the middle."""
    seconds = duration_us // SECOND_US
    if seconds < 1:
        return 0
    octave = seconds.bit_length() - 1  # 2**octave <= seconds < 2**(octave + 1)
    eighth = ((seconds - (1 << octave)) << 3) >> octave
    return 1 + octave * 8 + eighth
