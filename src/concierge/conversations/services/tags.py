"""The workspace's tags, and tagging conversations with them."""

from datetime import datetime

from django.db import IntegrityError, transaction

from concierge.conversations import event_types as conversation_event_types
from concierge.conversations.announcements import ConversationTagged, ConversationUntagged
from concierge.conversations.models import Conversation, Part, Tag
from concierge.conversations.services.timeline import (
    add_part,
    check_same_workspace,
    happened,
    instant,
    record_conversation_event,
)
from concierge.core.db import insert_unless_present
from concierge.core.errors import Conflict
from concierge.core.reactions import announce
from concierge.core.text import clean_short_text
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, record_audit

Author = Part.Author
Kind = Part.Kind


def create_tag(workspace: Workspace, name: str, *, actor: Actor = SYSTEM) -> Tag:
    """A new tag of the workspace (configuration: audited with its actor)."""
    name = clean_short_text(name, field="name", max_length=60, required=True)
    try:
        with transaction.atomic():
            tag = Tag.objects.create(workspace=workspace, name=name)
            record_audit(workspace, "tag.created", actor=actor, target=tag, changes={"name": [None, name]})
    except IntegrityError as exc:
        raise Conflict(f"A tag named '{name}' already exists.", field="name") from exc
    return tag


def tag_for_name(workspace: Workspace, name: str, *, actor: Actor = SYSTEM) -> Tag:
    """The workspace's tag with this name, created on first use (by `actor`)."""
    name = clean_short_text(name, field="tag", max_length=60, required=True)
    tag = Tag.objects.filter(workspace=workspace, name=name).first()
    return tag or create_tag(workspace, name, actor=actor)


def rename_tag(tag: Tag, *, name: str, actor: Actor = SYSTEM) -> Tag:
    """The tag's new name, on every conversation it is on (the parts written before keep the old one)."""
    name = clean_short_text(name, field="name", max_length=60, required=True)
    if name == tag.name:
        return tag
    old = tag.name
    try:
        with transaction.atomic():
            tag.name = name
            tag.save(update_fields=["name"])
            record_audit(tag.workspace, "tag.renamed", actor=actor, target=tag, changes={"name": [old, name]})
    except IntegrityError as exc:
        tag.name = old
        raise Conflict(f"A tag named '{name}' already exists.", field="name") from exc
    return tag


def delete_tag(tag: Tag, *, actor: Actor = SYSTEM) -> None:
    """The tag is gone, and leaves every conversation it was on."""
    with transaction.atomic():
        record_audit(
            tag.workspace, "tag.deleted", actor=actor, target=tag, changes={"name": [tag.name, None]}
        )
        tag.delete()


def tag_conversation(
    conversation: Conversation,
    tag: Tag,
    *,
    teammate: Teammate | None = None,
    at: datetime | None = None,
    data: dict | None = None,
) -> bool:
    """Returns False when the tag was already there (nothing changes). `data`: more to say on the
    timeline's entry (a routing rule names itself there)."""
    return _change_tagging(conversation, tag, teammate, at, tagged=True, data=data)


def untag_conversation(
    conversation: Conversation, tag: Tag, *, teammate: Teammate | None = None, at: datetime | None = None
) -> bool:
    """Returns False when the tag was not there (nothing changes)."""
    return _change_tagging(conversation, tag, teammate, at, tagged=False)


def _change_tagging(
    conversation: Conversation,
    tag: Tag,
    teammate: Teammate | None,
    at: datetime | None,
    *,
    tagged: bool,
    data: dict | None = None,
) -> bool:
    check_same_workspace(conversation, tag, teammate)
    at = instant(at)
    with transaction.atomic(savepoint=False):  # fails whole, with the caller's transaction if any
        # The tag's row is what two at once meet on: one puts it on (or takes it off), the other
        # waits for it and finds it done.
        changed = _put_tag_on(conversation, tag) if tagged else _take_tag_off(conversation, tag)
        if not changed:
            return False
        add_part(
            conversation,
            kind=Kind.TAGS,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            data={"added" if tagged else "removed": tag.name, **(data or {})},
            at=at,
        )
        event_type = (
            conversation_event_types.CONVERSATION_TAGGED
            if tagged
            else conversation_event_types.CONVERSATION_UNTAGGED
        )
        record_conversation_event(conversation, event_type, at, tag=tag.name)
        announcement = ConversationTagged if tagged else ConversationUntagged
        announce(announcement(**happened(conversation, at, teammate), tag_id=tag.pk, tag=tag.name))
    return True


def _put_tag_on(conversation: Conversation, tag: Tag) -> bool:
    """True when the tag was not on the conversation before."""
    added = insert_unless_present(Conversation.tags.through(conversation_id=conversation.pk, tag_id=tag.pk))
    _forget_prefetched_tags(conversation)
    return added


def _take_tag_off(conversation: Conversation, tag: Tag) -> bool:
    """True when the tag was on the conversation."""
    removed, _ = Conversation.tags.through.objects.filter(
        conversation_id=conversation.pk, tag_id=tag.pk
    ).delete()
    _forget_prefetched_tags(conversation)
    return bool(removed)


def _forget_prefetched_tags(conversation: Conversation) -> None:
    getattr(conversation, "_prefetched_objects_cache", {}).pop("tags", None)
