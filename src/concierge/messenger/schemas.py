"""The messenger API's own shapes (the contact's side; conversations.schemas has the conversation's)."""

from datetime import datetime

from ninja import Field, Schema

from concierge.conversations.schemas import MessengerConversationOut
from concierge.core.schemas import JsonObject, Text


class FaceOut(Schema):
    name: str
    initials: str


class OfferedSessionOut(Schema):
    name: str
    length_minutes: int
    url: str = Field(description="The booking page of the link placed in the messenger.")


class HomeOut(Schema):
    workspace_name: str
    faces: list[FaceOut] = Field(description="A few of the team's teammates.")
    open_now: bool = Field(description="Within office hours (or none set): a reply in a few minutes.")
    back_at: datetime | None = Field(
        description="When closed: the next opening, for the messenger to show in the customer's zone."
    )
    latest_conversation: MessengerConversationOut | None
    session: OfferedSessionOut | None = Field(description="A 1:1 session offered in the messenger.")
    help_center: bool = Field(description="The help center has articles to search.")
    contact_name: str
    contact_email: str
    contact_kind: str


class ContactDetailsIn(Schema):
    name: Text | None = Field(None, max_length=190)
    email: Text | None = Field(None, max_length=254)
    attributes: JsonObject | None = None


class TrackIn(Schema):
    name: Text = Field(max_length=60)
    data: JsonObject = Field(default_factory=dict)


class MessengerTrackedOut(Schema):
    id: int
    type: str
    at: datetime


class FoundArticleOut(Schema):
    slug: str
    title: str
    summary: str


class HelpSearchOut(Schema):
    query: str
    locale: str | None
    corrected_query: str | None
    articles: list[FoundArticleOut]


class ArticleOut(Schema):
    slug: str
    title: str
    locale: str
    body_html: str = Field(description="Sanitised HTML, as the public help center shows it.")


class OutboundSenderOut(Schema):
    name: str
    initials: str


class TooltipOut(Schema):
    selector: str = Field(
        description="The CSS selector of the element of the customer's page it is pinned to."
    )
    html: str = Field(description="Sanitised HTML.")


class OutboundOut(Schema):
    """A proactive message delivered to the contact, as they read it (their language, personalised)."""

    id: int = Field(description="The delivery's id: what seen, react, dismiss and reply name.")
    content_type: str = Field(description="chat, post, banner or tooltip_group.")
    title: str
    body_html: str = Field(description="Rendered from Markdown and sanitised.")
    preview: str
    tooltips: list[TooltipOut]
    sender: OutboundSenderOut | None
    sent_at: datetime
    opened: bool
    reaction: str
    emojis: list[str] = Field(description="The reactions offered (chats and posts).")
    conversation_id: int | None = Field(description="The conversation a reply to this chat started.")


class WaitingOut(Schema):
    message_id: int
    after_seconds: int = Field(description="Ask for it (POST /outbound/page-triggers/{id}) after this long.")


class OutboundPageOut(Schema):
    messages: list[OutboundOut]
    waiting: list[WaitingOut] = Field(description="Messages for this page that wait for some seconds on it.")


class PageTriggerOut(Schema):
    message: OutboundOut | None = Field(
        description="The message, delivered now; null when it is not for this contact now (not in its "
        "audience, or past its frequency or the workspace's daily cap)."
    )


class PageIn(Schema):
    url: Text = Field(max_length=2000)
    lang: Text = Field("en", max_length=35)


class ReactionIn(Schema):
    emoji: Text = Field(max_length=16)


class ChatReplyIn(Schema):
    body: Text = Field(max_length=10000)
