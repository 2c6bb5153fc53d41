"""The API's shapes for conversations, their parts and tags: the teammates' side (API keys) and the
contact's side (the messenger, which never sees internal notes or other internal changes)."""

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator, model_validator

from concierge.core.schemas import AwareInstant, MessageBody, ObjectId, PageQuery, Text
from concierge.core.text import message_text
from concierge.events import types as event_types

State = Literal["open", "snoozed", "closed"]
Channel = Literal[event_types.CONVERSATION_CHANNELS]
MAX_SNOOZE = timedelta(days=366)


class ContactSummary(Schema):
    id: int
    kind: str
    name: str
    email: str
    external_id: str | None


class TeammateSummary(Schema):
    id: int
    name: str


class TeamSummary(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None


class TagIn(Schema):
    name: Text = Field(max_length=60)


class ConversationOut(Schema):
    id: int
    ref: str = Field(description="How the support event log names this conversation.")
    subject: str
    state: State
    priority: Literal["low", "normal", "high", "urgent"]
    snoozed_until: datetime | None
    channel: Channel
    initiator: Literal["contact", "teammate"]
    contact: ContactSummary
    assignee: TeammateSummary | None
    team: TeamSummary | None
    tags: list[TagOut]
    rating: int | None
    rating_remark: str
    first_response_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    last_activity_at: datetime
    last_part_preview: str


class ConversationPage(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class PartOut(Schema):
    id: int
    kind: Literal["comment", "note", "bot_answer", "assignment", "state", "tags", "rating", "priority"]
    author_type: Literal["contact", "teammate", "bot", "system"]
    author_teammate: TeammateSummary | None
    body: str = Field(description="Sanitised HTML.")
    text: str = Field(description="The message as plain text (empty for a change that is not a message).")
    html: str = Field(
        description="The message as safe HTML to show as it is: a teammate's Markdown rendered, "
        "sanitised, its links opening in a new tab (the same as `body`)."
    )
    data: dict[str, Any]
    created_at: datetime
    buttons: list[str] = Field(
        [],
        description="Under an automated answer, the customer's choices: 'helped' and 'talk_to_person' "
        "(answered with POST /messenger/conversations/{id}/bot-feedback).",
    )

    @staticmethod
    def resolve_text(part) -> str:
        return message_text(part.body)

    @staticmethod
    def resolve_buttons(part) -> list[str]:
        return list((part.data or {}).get("buttons", [])) if part.kind == "bot_answer" else []

    @staticmethod
    def resolve_html(part) -> str:
        return part.body


class ConversationDetailOut(ConversationOut):
    started_by: TeammateSummary | None
    parts: list[PartOut] = Field(description="Every part in order, internal notes included.")

    @staticmethod
    def resolve_parts(conversation) -> list:
        return conversation.parts_in_order


class ConversationQuery(PageQuery):
    state: State | None = None
    assignee_id: ObjectId | None = Field(None, description="Only conversations assigned to this teammate.")
    unassigned: bool = Field(False, description="Only conversations with no teammate assigned.")
    team_id: ObjectId | None = None
    tag: Text | None = Field(None, max_length=60, description="A tag's name.")
    tag_id: ObjectId | None = None
    contact_id: ObjectId | None = None

    @model_validator(mode="after")
    def one_assignee_filter(self):
        if self.unassigned and self.assignee_id is not None:
            raise ValueError("give either assignee_id or unassigned=true, not both")
        return self


class ConversationIn(Schema):
    contact_id: ObjectId
    body: MessageBody
    subject: Text = Field("", max_length=200)
    channel: Channel = "api"
    teammate_id: ObjectId | None = Field(
        None,
        description="When given, this teammate starts the conversation (the first message is theirs); "
        "otherwise the contact does.",
    )


class ReplyIn(Schema):
    body: MessageBody
    author: Literal["teammate", "contact"] = "teammate"
    teammate_id: ObjectId | None = Field(None, description="Required when the author is a teammate.")

    @model_validator(mode="after")
    def teammate_for_teammate_reply(self):
        if self.author == "teammate" and self.teammate_id is None:
            raise ValueError("teammate_id is required when the author is 'teammate'")
        if self.author == "contact" and self.teammate_id is not None:
            raise ValueError("teammate_id must be left out when the author is 'contact'")
        return self


class NoteIn(Schema):
    body: MessageBody
    teammate_id: ObjectId


class AssignmentIn(Schema):
    assignee_id: ObjectId | None = Field(
        None, description="The teammate; leave out (with team_id) to unassign."
    )
    team_id: ObjectId | None = None
    by_teammate_id: ObjectId | None = Field(None, description="Who assigns; leave out for the system.")


class TeammateActionIn(Schema):
    teammate_id: ObjectId | None = Field(None, description="Who does it; leave out for the system.")


class CloseIn(Schema):
    by: Literal[event_types.CLOSED_BY] = Field("teammate", description="Who closed it, for the report.")
    teammate_id: ObjectId | None = Field(None, description="The teammate who closed it, when one did.")

    @model_validator(mode="after")
    def teammate_only_for_teammate(self):
        if self.teammate_id is not None and self.by != "teammate":
            raise ValueError("teammate_id goes with by='teammate' only")
        return self


class TagConversationIn(Schema):
    tag_id: ObjectId | None = None
    name: Text | None = Field(None, max_length=60, description="A tag's name; created on first use.")
    teammate_id: ObjectId | None = None

    @model_validator(mode="after")
    def one_tag(self):
        if (self.tag_id is None) == (self.name is None):
            raise ValueError("give either tag_id or name")
        return self


class SnoozeIn(Schema):
    until: AwareInstant = Field(
        description="When it comes back, with its offset, e.g. 2026-03-03T09:00:00+01:00."
    )
    teammate_id: ObjectId | None = None

    @field_validator("until")
    @classmethod
    def within_a_year(cls, until: datetime) -> datetime:
        try:
            until = until.astimezone(UTC)
        except OverflowError:
            raise ValueError("is out of range") from None
        if until > datetime.now(UTC) + MAX_SNOOZE:
            raise ValueError("must be within a year from now")
        return until


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    remark: Text = Field("", max_length=2000)


# The contact's side: the messenger.


class MessengerAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class MessengerPartOut(Schema):
    id: int
    kind: Literal["comment", "bot_answer"]
    author: Literal["contact", "teammate", "bot"]
    author_name: str | None = Field(description="The teammate's name on their replies.")
    body: str = Field(description="Sanitised HTML.")
    text: str = Field(description="The message as plain text (empty for a change that is not a message).")
    html: str = Field(
        description="The message as safe HTML to show as it is: a teammate's Markdown rendered, "
        "sanitised, its links opening in a new tab (the same as `body`)."
    )
    created_at: datetime
    buttons: list[str] = Field(
        [],
        description="Under an automated answer, the customer's choices: 'helped' and 'talk_to_person' "
        "(answered with POST /messenger/conversations/{id}/bot-feedback).",
    )
    attachments: list[MessengerAttachmentOut] = Field(
        [], description="Files sent with the message (GET /messenger/attachments/{id})."
    )

    @staticmethod
    def resolve_attachments(part) -> list[dict]:
        return list((part.data or {}).get("attachments", []))

    @staticmethod
    def resolve_text(part) -> str:
        return message_text(part.body)

    @staticmethod
    def resolve_buttons(part) -> list[str]:
        return list((part.data or {}).get("buttons", [])) if part.kind == "bot_answer" else []

    @staticmethod
    def resolve_html(part) -> str:
        return part.body

    @staticmethod
    def resolve_author(part) -> str:
        return part.author_type

    @staticmethod
    def resolve_author_name(part) -> str | None:
        return part.author_teammate.name if part.author_teammate else None


class MessengerConversationOut(Schema):
    id: int
    subject: str
    state: Literal["open", "closed"] = Field(description="A snoozed conversation shows as open.")
    last_part_preview: str
    rating: int | None
    rating_remark: str
    created_at: datetime
    unread_count: int = Field(
        description="The team's and the bot's messages after the contact last saw the conversation "
        "(POST …/seen marks them read)."
    )
    seen_at: datetime | None = Field(description="When the contact last saw the conversation.")

    @staticmethod
    def resolve_state(conversation) -> str:
        return "closed" if conversation.state == "closed" else "open"

    @staticmethod
    def resolve_unread_count(conversation) -> int:
        return getattr(conversation, "unread_count", 0)  # annotated or set by the API

    @staticmethod
    def resolve_seen_at(conversation) -> datetime | None:
        return conversation.contact_seen_at


class MessengerConversationPage(Schema):
    items: list[MessengerConversationOut]
    next_cursor: str | None


class MessengerConversationDetailOut(MessengerConversationOut):
    parts: list[MessengerPartOut] = Field(description="The messages, in order.")

    @staticmethod
    def resolve_parts(conversation) -> list:
        return conversation.parts_in_order


class MessengerContactOut(Schema):
    id: int
    kind: str
    name: str
    email: str


class MessengerStartIn(Schema):
    body: MessageBody
    subject: Text = Field("", max_length=200)


class MessengerReplyIn(Schema):
    body: MessageBody
