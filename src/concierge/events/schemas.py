"""The events API's shapes."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

MAX_EVENTS_PER_CALL = 1_000


class EventBatchIn(Schema):
    events: list[Any] = Field(
        ...,
        description=f"Up to {MAX_EVENTS_PER_CALL:,} events or records, each an object as one line of the "
        "JSON Lines log format (type, at, contact, id, …).",
        examples=[
            [
                {
                    "type": "article.viewed",
                    "at": "2026-03-02T09:01:10Z",
                    "contact": "c1",
                    "channel": "help_center",
                    "article": "a7",
                    "id": "e3",
                }
            ]
        ],
    )


class EventBatchOut(Schema):
    events_taken: int = Field(..., description="events appended to the log")
    duplicates_skipped: int = Field(..., description="events whose id was already in the log")
    records_applied: int = Field(..., description="contact and outbound_message records applied")


class BadEvent(Schema):
    index: int = Field(..., description="the bad item's position in `events`, from 0")
    reason: str


class BadBatchOut(Schema):
    detail: str
    errors: list[BadEvent]


class TrackIn(Schema):
    name: str = Field(max_length=60, description="What the contact did: 'export failed'.")
    data: dict[str, Any] = Field(default_factory=dict, description="Anything about it, up to 4 KB of JSON.")


class TrackedOut(Schema):
    id: int
    type: str
    at: datetime
    contact_id: int
