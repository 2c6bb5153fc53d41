"""The saved replies API's shapes."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from concierge.core.schemas import JsonObject, ObjectId, PageQuery, Text

Visibility = Literal["workspace", "team", "personal"]


class SavedReplyOut(Schema):
    id: int
    title: str
    folder_id: int | None
    visibility: str
    team_id: int | None
    owner_id: int | None
    versions: dict[str, str] = Field(
        description='Per language, the Markdown text: {"en": "Hi {{contact.first_name|there}}"}.'
    )
    actions: list[dict[str, Any]] = Field(
        description="The macro's actions, run in order when the reply is sent."
    )
    usage_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_versions(reply) -> dict[str, str]:
        return {version.locale: version.body for version in reply.versions.all()}


class SavedReplyPage(Schema):
    items: list[SavedReplyOut]
    next_cursor: str | None


class SavedReplyQuery(PageQuery):
    folder_id: int | None = Field(
        None, ge=0, description="Only this folder's replies (0: outside any folder)."
    )


class SavedReplyIn(Schema):
    title: Text = Field(min_length=1, max_length=120)
    versions: dict[Text, Text] = Field(
        description='Per language: {"en": "Hi {{contact.first_name|there}}"}; one at least.'
    )
    visibility: Visibility = "workspace"
    team_id: ObjectId | None = Field(None, description="The team that sees it (visibility 'team').")
    folder_id: ObjectId | None = None
    actions: list[JsonObject] = Field(
        default_factory=list,
        description='The macro: {"type": "tag", "tag_id": 1}, {"type": "set_priority", "priority": "high"}, '
        '{"type": "assign_team", "team_id": 1}, {"type": "assign_teammate", "teammate_id": 1}, '
        '{"type": "assign_me"}, {"type": "snooze", "minutes": 60}, {"type": "close"}.',
    )


class SavedReplyPatch(Schema):
    title: Text | None = Field(None, min_length=1, max_length=120)
    versions: dict[Text, Text] | None = None
    visibility: Visibility | None = None
    team_id: ObjectId | None = None
    folder_id: ObjectId | None = None
    actions: list[JsonObject] | None = None
