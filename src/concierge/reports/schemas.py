"""The reports API's shapes: the funnel report exactly as the spec's JSON form."""

from ninja import Field, Schema


class SupportReportQuery(Schema):
    date_from: str = Field(
        ..., alias="from", max_length=10, description="first day, YYYY-MM-DD (workspace's zone)"
    )
    date_to: str = Field(..., alias="to", max_length=10, description="last day, YYYY-MM-DD (included)")
    tag: str | None = Field(None, max_length=200, description="count only proactive messages with this tag")
    content_type: str | None = Field(None, max_length=60, description="… of this content type")
    sender: str | None = Field(None, max_length=190, description="… from this sender")


class Proactive(Schema):
    sent: int
    opened: int
    clicked: int
    reacted: int


class Sessions(Schema):
    total: int
    stopped: int
    self_serve_tried: int
    self_serve_resolved: int
    human_after_self_serve: int
    human_from_start: int


class Rates(Schema):
    self_serve_resolution: float | None
    articles_resolution: float | None
    automated_resolution: float | None


class HumanSupportGroup(Schema):
    conversations: int
    ratings: int
    rating_average: float | None
    rating_positive_share: float | None
    median_first_response_seconds: float | None
    median_time_to_close_seconds: float | None


class HumanSupport(Schema):
    after_self_serve: HumanSupportGroup
    from_start: HumanSupportGroup


class PeriodFigures(Schema):
    start: str = Field(..., description="the period's first instant, ISO 8601 with the zone's offset")
    end: str = Field(..., description="the instant after the period, ISO 8601 with the zone's offset")
    proactive: Proactive
    sessions: Sessions
    people_seeking_support: int
    rates: Rates
    human_support: HumanSupport


class SupportReportOut(Schema):
    timezone: str
    current: PeriodFigures
    previous: PeriodFigures
