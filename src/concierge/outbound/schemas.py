"""The outbound API's shapes. The settings are described in docs/outbound.md; the services check them
(a bad audience rule is a 422 naming the rule)."""

from datetime import date, datetime, time
from typing import Any, Literal

from ninja import Field, Schema

from concierge.core.schemas import JsonObject, ObjectId, PageQuery, Text

ContentType = Literal["chat", "post", "banner", "tooltip_group", "email"]
State = Literal["draft", "scheduled", "live", "paused", "stopped"]
AudienceKind = Literal["users", "leads", "everyone"]
AudienceMode = Literal["fixed", "dynamic"]
Trigger = Literal["now", "schedule", "page", "event"]
ScheduleZone = Literal["contact", "workspace"]
Repeat = Literal["once", "daily", "weekly", "monthly"]
GoalKind = Literal["", "event", "attribute"]
AUDIENCE_DESCRIPTION = (
    '{"match": "all"|"any", "rules": [{"attribute": "plan", "op": "is", "value": "pro"}, '
    '{"event": "export failed", "op": "at_least", "count": 3, "days": 7}, {"field": "signed_up", '
    '"op": "after", "value": "2026-01-01"}, {"tag": "billing", "op": "has"}]}'
)


class TooltipSchema(Schema):
    selector: Text = Field(
        max_length=300, description="A CSS selector of the element on the customer's page."
    )
    body: Text = Field(max_length=2000)


class VersionSchema(Schema):
    locale: Text = Field(max_length=20, description="A language: en, es, pt-BR.")
    subject: Text = Field("", max_length=200, description="An email's subject, a post's title.")
    body: Text = Field("", max_length=20_000, description="Markdown; {{first_name|there}}, {{company}}, …")
    tooltips: list[TooltipSchema] = Field(default_factory=list, description="A tooltip group's hints.")


class FiguresOut(Schema):
    sent: int
    opened: int
    clicked: int
    reacted: int
    replied: int
    goal_met: int
    pending: int


class MessageOut(Schema):
    id: int
    ref: str = Field(description="How the support log names the message (`message` in outbound.* events).")
    imported: bool
    name: str
    content_type: str
    state: str
    sender_id: int | None
    sender_ref: str | None
    tags: list[str]
    versions: list[VersionSchema]
    audience: dict[str, Any]
    audience_kind: str
    audience_mode: str
    trigger: str
    page_url: str
    page_seconds: int
    event_name: str
    schedule_on: date | None
    schedule_time: time | None
    schedule_zone: str
    repeat: str
    repeat_until: date | None
    office_hours_only: bool
    max_per_contact: int
    min_gap_days: int
    overrides_cap: bool
    goal_kind: str
    goal_name: str
    goal_value: Any
    goal_days: int
    stop_when_goal_met: bool
    created_at: datetime
    updated_at: datetime
    went_live_at: datetime | None
    stopped_at: datetime | None
    figures: FiguresOut

    @staticmethod
    def resolve_versions(message) -> list[dict]:
        return [
            {"locale": v.locale, "subject": v.subject, "body": v.body, "tooltips": v.tooltips}
            for v in message.versions.all()
        ]

    @staticmethod
    def resolve_figures(message) -> dict:
        from concierge.outbound.selectors import figures_of

        return figures_of(message)


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class MessageQuery(PageQuery):
    state: State | None = None
    content_type: Text | None = Field(None, max_length=60)
    tag: Text | None = Field(None, max_length=60)


class _Settings(Schema):
    name: Text | None = Field(None, max_length=190)
    sender_id: ObjectId | None = Field(None, description="The teammate it comes from.")
    tags: list[Text] | None = None
    audience: JsonObject | None = Field(None, description=AUDIENCE_DESCRIPTION)
    audience_kind: AudienceKind | None = None
    audience_mode: AudienceMode | None = Field(
        None, description="fixed: the members as it goes live; dynamic: kept up to date."
    )
    trigger: Trigger | None = None
    page_url: Text | None = Field(None, max_length=500, description="The page's address; * matches anything.")
    page_seconds: int | None = Field(None, ge=0, le=3600)
    event_name: Text | None = Field(None, max_length=60)
    schedule_on: date | None = None
    schedule_time: time | None = Field(
        None, description="The local time, in the contact's zone or the workspace's."
    )
    schedule_zone: ScheduleZone | None = None
    repeat: Repeat | None = None
    repeat_until: date | None = None
    office_hours_only: bool | None = None
    max_per_contact: int | None = Field(None, ge=1, le=100)
    min_gap_days: int | None = Field(None, ge=0, le=365)
    overrides_cap: bool | None = Field(
        None, description="Goes past the workspace's daily cap (an outage notice)."
    )
    goal_kind: GoalKind | None = None
    goal_name: Text | None = Field(None, max_length=60)
    goal_value: Any = None
    goal_days: int | None = Field(None, ge=1, le=365)
    stop_when_goal_met: bool | None = None


class MessageIn(_Settings):
    content_type: ContentType
    versions: list[VersionSchema] = Field(default_factory=list)


class MessagePatch(_Settings):
    content_type: Text | None = Field(None, max_length=60)
    versions: list[VersionSchema] | None = Field(
        None, description="All the versions, replacing the ones there are."
    )


class StateIn(Schema):
    state: State


class AudienceIn(Schema):
    audience: JsonObject | None = Field(None, description=AUDIENCE_DESCRIPTION)
    audience_kind: AudienceKind = "everyone"


class AudienceSizeOut(Schema):
    size: int
