"""What the conversations' services announce (core.reactions), for the apps that react: the bot
answers when a conversation starts, routing triages when a contact writes, live updates fan out
after every change. Each is announced in the transaction of its change."""

from dataclasses import dataclass
from datetime import datetime

from concierge.core.reactions import Announcement


@dataclass(frozen=True)
class ConversationChanged(Announcement):
    """Any change to a conversation: subscribe to this to hear every one of the kinds below.
    `teammate_id`: the teammate who made the change, if one did."""

    conversation_id: int
    at: datetime
    teammate_id: int | None


@dataclass(frozen=True)
class ConversationStarted(ConversationChanged):
    contact_id: int
    channel: str
    initiator: str  # "contact" or "teammate"


@dataclass(frozen=True)
class ContactReplied(ConversationChanged):
    """The customer wrote again (a closed or snoozed conversation is open again with it)."""

    part_id: int


@dataclass(frozen=True)
class TeammateReplied(ConversationChanged):
    part_id: int


@dataclass(frozen=True)
class NoteAdded(ConversationChanged):
    part_id: int


@dataclass(frozen=True)
class BotAnswered(ConversationChanged):
    part_id: int


@dataclass(frozen=True)
class ConversationAssigned(ConversationChanged):
    assignee_id: int | None
    team_id: int | None


@dataclass(frozen=True)
class ConversationTagged(ConversationChanged):
    tag_id: int
    tag: str


@dataclass(frozen=True)
class ConversationUntagged(ConversationChanged):
    tag_id: int
    tag: str


@dataclass(frozen=True)
class ConversationClosed(ConversationChanged):
    by: str  # the side that closed it: "teammate", "bot" or "contact"


@dataclass(frozen=True)
class ConversationReopened(ConversationChanged):
    was: str  # "closed" or "snoozed"
    reason: str


@dataclass(frozen=True)
class ConversationHandedOver(ConversationChanged):
    """The bot stepped back and the team takes the conversation (the customer asked for a person)."""

    reason: str


@dataclass(frozen=True)
class ConversationSnoozed(ConversationChanged):
    until: datetime


@dataclass(frozen=True)
class ConversationPrioritized(ConversationChanged):
    priority: str
    was: str


@dataclass(frozen=True)
class ConversationRated(ConversationChanged):
    rating: int


@dataclass(frozen=True)
class ConversationsMovedToContact(Announcement):
    """A merged lead's conversations now belong to the user it turned out to be."""

    conversation_ids: list[int]
    from_contact_id: int
    to_contact_id: int


@dataclass(frozen=True)
class ConversationSeenByContact(ConversationChanged):
    """The customer has read the conversation up to `at` (teammates' inboxes show "Seen")."""
