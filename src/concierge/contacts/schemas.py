"""The API's shapes for contacts (users and leads)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from concierge.core.schemas import JsonObject, ObjectId, PageQuery, Text

Kind = Literal["user", "lead"]


class ContactOut(Schema):
    id: int
    kind: Kind
    external_id: str | None
    visitor_id: str | None
    email: str
    name: str
    timezone: str
    locale: str
    city: str
    attributes: dict[str, Any]
    merged_into_id: int | None = Field(description="Set on a lead that was merged into this user.")
    created_at: datetime
    last_seen_at: datetime | None


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactQuery(PageQuery):
    search: Text | None = Field(None, max_length=190, description="Part of a name, email or external id.")
    kind: Kind | None = None


class ContactIn(Schema):
    kind: Kind | None = Field(
        None, description="Default: 'lead' when only a visitor_id is given, else 'user'."
    )
    external_id: Text | None = Field(None, max_length=190, description="Your system's id for this user.")
    visitor_id: Text | None = Field(None, max_length=190, description="The messenger's id for a visitor.")
    email: Text | None = Field(None, max_length=254)
    name: Text | None = Field(None, max_length=190)
    timezone: Text | None = Field(None, max_length=64, description="IANA time zone, e.g. 'America/Chicago'.")
    locale: Text | None = Field(None, max_length=20)
    city: Text | None = Field(None, max_length=120)
    attributes: JsonObject | None = None


class ContactUpdateIn(Schema):
    external_id: Text | None = Field(None, max_length=190, description="Setting it makes a lead a user.")
    email: Text | None = Field(None, max_length=254)
    name: Text | None = Field(None, max_length=190)
    timezone: Text | None = Field(None, max_length=64)
    locale: Text | None = Field(None, max_length=20)
    city: Text | None = Field(None, max_length=120)
    attributes: JsonObject | None = Field(None, description="Merged into the existing attributes.")


class MergeIn(Schema):
    user_id: ObjectId = Field(description="The user the lead turned out to be.")
