"""The API's shapes for the workspace, its teammates and teams."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from concierge.core.schemas import ObjectId, PageQuery, Text

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


class WorkspaceUpdateIn(Schema):
    name: Text | None = Field(None, max_length=120)
    timezone: Text | None = Field(None, max_length=64, description="IANA time zone, e.g. 'Europe/Belgrade'.")
    locale: Text | None = Field(None, max_length=20)


class IdentitySecretOut(Schema):
    identity_secret: str = Field(description="Key of the HMAC-SHA256 that makes a user's user_hash.")


class TeamRenameIn(Schema):
    name: Text = Field(max_length=80)


class InviteIn(Schema):
    email: Text = Field(max_length=254)
    name: Text = Field("", max_length=120)
    role: Role = "agent"


class InviteOut(Schema):
    id: int
    email: str
    name: str
    role: Role
    created_at: datetime
    sent_at: datetime | None = Field(description="When the last email was taken by the mail server.")
    expires_at: datetime
    send_error: str = Field(description="Why the last email could not be sent; empty when it was.")


class InvitePage(Schema):
    items: list[InviteOut]
    next_cursor: str | None


class ApiKeyIn(Schema):
    name: Text = Field(max_length=80)
    teammate_id: ObjectId | None = Field(
        None, description="The teammate the key acts as (their role's rights); by default the key's own."
    )


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it.")
    teammate_id: int | None = Field(description="The teammate it acts as; null: the workspace's operator.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="The key itself: shown this once, never again.")


class ApiKeyPage(Schema):
    items: list[ApiKeyOut]
    next_cursor: str | None


class AuditActorOut(Schema):
    kind: Literal["teammate", "api_key", "command", "admin", "system"]
    label: str = Field(description="Who, as the trail names them: kept when the teammate or key is gone.")
    teammate_id: int | None = Field(description="The teammate who acted, while they exist.")
    api_key_id: int | None = Field(description="The API key that acted, while it exists.")


class AuditTargetOut(Schema):
    type: str = Field(description="What kind of thing changed: 'team', 'teammate', 'session_type', …")
    id: int | None
    label: str = Field(description="Its name when the change was made.")


class AuditEntryOut(Schema):
    id: int
    at: datetime
    action: str = Field(description="What was done, e.g. 'team.member_added', 'api_key.revoked'.")
    actor: AuditActorOut
    target: AuditTargetOut | None
    changes: dict[str, list[Any]] = Field(
        description="Each changed field: [old, new]; null old for what was created, null new for "
        "what was removed. Secrets are never recorded."
    )

    @staticmethod
    def resolve_actor(entry) -> dict:
        return {
            "kind": entry.actor_kind,
            "label": entry.actor_label,
            "teammate_id": entry.actor_teammate_id,
            "api_key_id": entry.actor_api_key_id,
        }

    @staticmethod
    def resolve_target(entry) -> dict | None:
        if not entry.target_type:
            return None
        return {"type": entry.target_type, "id": entry.target_id, "label": entry.target_label}


class AuditEntryPage(Schema):
    items: list[AuditEntryOut]
    next_cursor: str | None


class AuditQuery(PageQuery):
    action: Text | None = Field(
        None,
        max_length=60,
        description="An action ('team.created') or the start of one ('team.member'); "
        "a bare thing ('team') means all of its actions.",
    )
    actor_teammate_id: ObjectId | None = Field(None, description="Only what this teammate did.")
    since: AwareDatetime | None = Field(None, description="Entries at or after this time, with its offset.")
    until: AwareDatetime | None = Field(None, description="Entries before this time, with its offset.")
