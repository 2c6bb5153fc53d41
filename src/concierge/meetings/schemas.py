"""The API's shapes for 1:1 sessions: the customer's side (messenger and signed links) and the
teammates' side (workspace API keys)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from concierge.core.schemas import Date, ObjectId, PageQuery, Text

Channel = Literal["video", "audio", "screen_share"]
Horizon = Literal["days", "on_demand"]
Status = Literal["booked", "cancelled", "declined", "held", "no_show"]
Side = Literal["customer", "agent"]
QuestionKind = Literal["text", "choice", "url"]
DeclineReason = Literal["out_of_scope", "against_terms", "answered_in_conversation", "other"]
Time = Text  # a wall-clock time such as "09:30"
Instant = Text  # ISO 8601 with a zone offset; checked by the service so the message says what is wrong


# The customer's side ------------------------------------------------------------------------------


class QuestionOut(Schema):
    key: str
    label: str
    kind: QuestionKind
    choices: list[str]
    required: bool


class BookingPageOut(Schema):
    """What a booking link offers."""

    token: str
    place: str
    workspace: str
    name: str
    topic: str
    length_minutes: int
    channel: Channel
    questions: list[QuestionOut]


class SlotChoiceOut(Schema):
    start: str = Field(description="ISO 8601 in the customer's zone: send it back as `start` to book.")
    label: str = Field(description="The hour in the customer's zone and language, e.g. '2:00 PM'.")
    night: bool = Field(description="Between 00:00 and 05:59 for the customer: booking needs confirm_night.")
    capacity: int


class SlotDayOut(Schema):
    day: date
    heading: str
    slots: list[SlotChoiceOut]


class SlotsOut(Schema):
    timezone: str
    city_time: str = Field(description="How the zone is named to the customer, e.g. 'New York time'.")
    days: list[SlotDayOut]


class SlotsQuery(Schema):
    timezone: Text = Field(..., max_length=64, description="The customer's IANA zone, e.g. America/New_York.")
    locale: Text = Field("en", max_length=20)
    days: int = Field(14, ge=1, le=60, description="How many days ahead to list (within the horizon).")


class EligibilityIn(Schema):
    answers: dict[str, Text] = Field(default_factory=dict)


class EligibilityOut(Schema):
    eligible: bool
    message: str | None = None
    alternative_url: str | None = None
    alternative_label: str | None = None


class BookIn(Schema):
    start: Instant = Field(
        ..., max_length=64, description="ISO 8601 with an offset, e.g. 2026-03-03T14:00:00-05:00."
    )
    timezone: Text = Field(..., max_length=64, description="The customer's IANA zone; times are shown in it.")
    locale: Text | None = Field(None, max_length=20)
    answers: dict[str, Text] = Field(default_factory=dict)
    confirm_night: bool = Field(
        False, description="Set after the customer confirmed a start between 00:00 and 05:59 in their zone."
    )
    name: Text | None = Field(None, max_length=190, description="When the contact has no name yet.")
    email: Text | None = Field(
        None, max_length=254, description="Where the confirmation goes, if not the contact's."
    )


class RescheduleIn(Schema):
    start: Instant = Field(..., max_length=64)
    timezone: Text | None = Field(None, max_length=64)
    confirm_night: bool = False


class CancelIn(Schema):
    reason: Text = Field("", max_length=500)


class CustomerBookingOut(Schema):
    """A booking as its customer sees it: times in their zone and words."""

    id: int
    status: Status
    session: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    when: str = Field(description="e.g. 'Tuesday 3 March at 2:00 PM, New York time'.")
    meeting_link: str
    agent_name: str


class CustomerBookingPage(Schema):
    items: list[CustomerBookingOut]
    next_cursor: str | None


class RefusalOut(Schema):
    detail: str
    field: str | None = None
    question: str | None = Field(None, description="For a night-time start: the question to confirm.")
    alternative_url: str | None = None
    alternative_label: str | None = None


# The teammates' side -------------------------------------------------------------------------------


class SessionTypeIn(Schema):
    name: Text = Field(..., max_length=120)
    topic: Text = Field("", max_length=2000)
    length_minutes: int = 30
    slot_step_minutes: int = 30
    buffer_after_minutes: int = 0
    minimum_notice_minutes: int = 240
    horizon: Horizon = "days"
    horizon_days: int = 14
    on_demand_hours: int = 4
    channel: Channel = "video"
    meeting_link_template: Text = Field("", max_length=500)
    host_ids: list[ObjectId] = Field(default_factory=list, max_length=200)
    host_team_id: ObjectId | None = None
    customer_reminder_offsets: list[int] = Field(default_factory=lambda: [1440, 60], max_length=10)
    agent_reminder_offsets: list[int] = Field(default_factory=lambda: [1440, 60], max_length=10)
    preparation_checklist: list[Text] = Field(default_factory=list, max_length=30)
    follow_up_template: Text | None = Field(None, max_length=10_000)


class SessionTypeUpdateIn(Schema):
    name: Text | None = Field(None, max_length=120)
    topic: Text | None = Field(None, max_length=2000)
    length_minutes: int | None = None
    slot_step_minutes: int | None = None
    buffer_after_minutes: int | None = None
    minimum_notice_minutes: int | None = None
    horizon: Horizon | None = None
    horizon_days: int | None = None
    on_demand_hours: int | None = None
    channel: Channel | None = None
    meeting_link_template: Text | None = Field(None, max_length=500)
    host_ids: list[ObjectId] | None = Field(None, max_length=200)
    customer_reminder_offsets: list[int] | None = Field(None, max_length=10)
    agent_reminder_offsets: list[int] | None = Field(None, max_length=10)
    preparation_checklist: list[Text] | None = Field(None, max_length=30)
    follow_up_template: Text | None = Field(None, max_length=10_000)
    is_active: bool | None = None


class TriggerOut(Schema):
    id: int
    place: str
    kind: Literal["product_button", "email_link"]
    token: str
    url: str
    is_active: bool


class RuleOut(Schema):
    id: int
    source: Literal["attribute", "answer"]
    key: str
    operator: str
    value: Any
    message: str
    alternative_url: str
    alternative_label: str


class SessionTypeOut(Schema):
    id: int
    name: str
    topic: str
    length_minutes: int
    slot_step_minutes: int
    buffer_after_minutes: int
    minimum_notice_minutes: int
    horizon: Horizon
    horizon_days: int
    on_demand_hours: int
    channel: Channel
    meeting_link_template: str
    host_ids: list[int]
    host_team_id: int | None
    customer_reminder_offsets: list[int]
    agent_reminder_offsets: list[int]
    preparation_checklist: list[str]
    is_active: bool
    questions: list[QuestionOut]
    rules: list[RuleOut]
    triggers: list[TriggerOut]


class QuestionIn(Schema):
    label: Text = Field(..., max_length=300)
    key: Text = Field("", max_length=60)
    kind: QuestionKind = "text"
    choices: list[Text] = Field(default_factory=list, max_length=30)
    required: bool = True


class RuleIn(Schema):
    source: Literal["attribute", "answer"]
    key: Text = Field(..., max_length=120)
    operator: Literal["equals", "not_equals", "in", "not_in", "contains", "missing"] = "equals"
    value: Text | list[Text] | None = None
    message: Text = Field(..., max_length=2000)
    alternative_url: Text = Field("", max_length=500)
    alternative_label: Text = Field("", max_length=120)


class TriggerIn(Schema):
    place: Text = Field(..., max_length=120)
    kind: Literal["product_button", "email_link"] = "product_button"


class WeeklyHoursIn(Schema):
    hours: list[tuple[Text, Time, Time]] = Field(
        ..., max_length=100, description='[weekday, start, end] triples, e.g. ["monday", "09:00", "17:00"].'
    )
    timezone: Text | None = Field(None, max_length=64, description="Defaults to the teammate's zone.")
    valid_from: Date | None = Field(None, description="With valid_until: a seasonal schedule for that range.")
    valid_until: Date | None = None


class DateOverrideIn(Schema):
    intervals: list[tuple[Time, Time]] = Field(
        default_factory=list, max_length=20, description="None: off all day."
    )
    timezone: Text | None = Field(None, max_length=64)


class TimeOffIn(Schema):
    starts_at: Instant = Field(..., max_length=64)
    ends_at: Instant = Field(..., max_length=64)
    reason: Text = Field("", max_length=200)


class TimeOffOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    reason: str


class AvailabilityOut(Schema):
    teammate_id: int
    weekly_hours: int
    date_overrides: int


class ContactSummary(Schema):
    id: int
    name: str
    email: str


class BookingOut(Schema):
    id: int
    status: Status
    session_type_id: int
    session_type: str
    trigger_id: int | None
    trigger_place: str | None
    contact: ContactSummary
    agent_id: int
    agent_name: str
    starts_at: datetime
    ends_at: datetime
    booked_at: datetime
    customer_name: str
    customer_email: str
    customer_timezone: str
    customer_locale: str
    answers: dict[str, str]
    meeting_link: str
    notes: str
    checklist: list[dict]
    no_show_side: str
    decline_reason: str
    cancel_reason: str
    followed_up_at: datetime | None
    email_confirmed_at: datetime | None = Field(
        description="When the customer's address was confirmed (at booking for a verified customer); "
        "null while a booking made without being verified waits for it."
    )


class BookingPage(Schema):
    items: list[BookingOut]
    next_cursor: str | None


class BookingQuery(PageQuery):
    status: Status | None = None
    agent_id: ObjectId | None = None
    session_type_id: ObjectId | None = None
    contact_id: ObjectId | None = None


class TeammateActionIn(Schema):
    teammate_id: ObjectId | None = Field(None, description="Who acts; defaults to the booking's agent.")


class DeclineIn(TeammateActionIn):
    reason: DeclineReason
    message: Text = Field("", max_length=2000, description="Told to the customer; required for 'other'.")


class NoShowIn(TeammateActionIn):
    side: Side = Field(..., description="Who did not show up.")


class NotesIn(Schema):
    notes: Text = Field(..., max_length=20_000)


class ChecklistItemIn(Schema):
    done: bool


class ArticleLinkIn(Schema):
    title: Text = Field("", max_length=200)
    url: Text = Field(..., max_length=500)


class FollowUpIn(TeammateActionIn):
    recap: Text = Field(..., max_length=10_000)
    article_links: list[ArticleLinkIn] = Field(default_factory=list, max_length=20)
    next_steps: Text = Field("", max_length=10_000)


class FollowUpOut(Schema):
    booking_id: int
    body: str
    created_at: datetime


class FeedbackIn(TeammateActionIn):
    product_usage: Text = Field("", max_length=5000)
    important_features: list[Text] = Field(default_factory=list, max_length=20)
    missing_features: list[Text] = Field(default_factory=list, max_length=20)
    activity_area: Text = Field("", max_length=120)
    demographics: dict[str, Text] = Field(default_factory=dict)


class FeedbackOut(Schema):
    booking_id: int
    product_usage: str
    important_features: list[str]
    missing_features: list[str]
    activity_area: str
    demographics: dict[str, str]


class PeriodQuery(Schema):
    from_: Date = Field(..., alias="from")
    to: Date
