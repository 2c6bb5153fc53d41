"""The API's shapes for the workspace, its teammates and teams."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from concierge.core.schemas import ObjectId, Text

Role = Literal["owner", "admin", "agent"]


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    timezone: str
    locale: str


class TeammateOut(Schema):
    id: int
    name: str
    email: str
    role: Role
    timezone: str
    locale: str
    external_id: str
    is_active: bool
    created_at: datetime


class TeammatePage(Schema):
    items: list[TeammateOut]
    next_cursor: str | None


class TeammateIn(Schema):
    email: Text = Field(max_length=254)
    name: Text = Field(max_length=120)
    role: Role = "agent"
    timezone: Text = Field("UTC", max_length=64, description="IANA time zone, e.g. 'Europe/Belgrade'.")
    locale: Text = Field("en", max_length=20)
    external_id: Text = Field("", max_length=120, description="The id other systems know them by.")


class TeammateUpdateIn(Schema):
    name: Text | None = Field(None, max_length=120)
    role: Role | None = None
    timezone: Text | None = Field(None, max_length=64)
    locale: Text | None = Field(None, max_length=20)
    is_active: bool | None = Field(
        None,
        description="false deactivates the teammate (the workspace's pages refuse them); true brings them back.",
    )


class TeamMemberOut(Schema):
    id: int
    name: str


class TeamOut(Schema):
    id: int
    name: str
    members: list[TeamMemberOut]
    created_at: datetime


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class TeamIn(Schema):
    name: Text = Field(max_length=80)
    member_ids: list[ObjectId] = Field(default_factory=list, max_length=500)


class TeamMemberIn(Schema):
    teammate_id: ObjectId
