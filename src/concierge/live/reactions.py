"""How the live app reacts to the conversations' announcements: each change becomes events for the
open streams (after the change commits), and an assignment or an @mention becomes a notification
(a task in the worker)."""

import re

from django.db import transaction
from django.urls import reverse

from concierge.conversations.announcements import (
    BotAnswered,
    ContactReplied,
    ConversationAssigned,
    ConversationChanged,
    ConversationClosed,
    ConversationHandedOver,
    ConversationPrioritized,
    ConversationRated,
    ConversationReopened,
    ConversationSnoozed,
    ConversationStarted,
    ConversationTagged,
    ConversationUntagged,
    NoteAdded,
    TeammateReplied,
)
from concierge.conversations.models import Conversation, Part
from concierge.conversations.selectors import parts_visible_to_contact
from concierge.core.db import commit_without_waiting_for_the_disk
from concierge.core.text import message_text
from concierge.live.models import Notification
from concierge.live.services import TEAM, contact_audience, notify_teammate, publish
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import teammates

# The announcement kinds as the events' `change` names them.
CHANGE_NAMES = {
    ConversationStarted: "started",
    ContactReplied: "contact_replied",
    TeammateReplied: "teammate_replied",
    BotAnswered: "bot_answered",
    NoteAdded: "note_added",
    ConversationAssigned: "assigned",
    ConversationTagged: "tagged",
    ConversationUntagged: "untagged",
    ConversationClosed: "closed",
    ConversationReopened: "reopened",
    ConversationSnoozed: "snoozed",
    ConversationHandedOver: "handed_over",
    ConversationPrioritized: "prioritized",
    ConversationRated: "rated",
}
MESSAGE_ANNOUNCEMENTS = (ContactReplied, TeammateReplied, BotAnswered)
# What a customer hears of a conversation's changes besides its messages.
CONTACT_CHANGES = {"closed", "reopened", "rated"}


def part_payload(part: Part, *, for_contact: bool = False) -> dict:
    """A part as the streams carry it (docs/live.md). `body` and `body_html` are the same sanitised
    HTML (the messenger API's `body` and `html`); `text` is it as plain text."""
    teammate_name = part.author_teammate.name if part.author_teammate_id and part.author_teammate else None
    payload = {
        "id": part.pk,
        "kind": part.kind,
        "author_kind": part.author_type,
        "author": part.author_type,  # the messenger API's name for it
        "author_name": teammate_name,
        "body": part.body,
        "body_html": part.body,
        "html": part.body,
        "text": message_text(part.body),
        "created_at": part.created_at.isoformat(),
        "attachments": [
            {key: file.get(key) for key in ("id", "name", "type", "size", "url") if key in file}
            for file in (part.data or {}).get("attachments", [])
            if isinstance(file, dict)
        ],
        "buttons": list((part.data or {}).get("buttons", [])) if part.kind == Part.Kind.BOT_ANSWER else [],
    }
    if not for_contact:
        payload["author_teammate_id"] = part.author_teammate_id
    return payload


def conversation_payload(conversation: Conversation, change: str, *, for_contact: bool = False) -> dict:
    if for_contact:
        return {
            "conversation_id": conversation.pk,
            "state": "closed" if conversation.state == Conversation.State.CLOSED else "open",
            "assignee_id": None,
            "team_id": None,
            "change": change,
        }
    return {
        "conversation_id": conversation.pk,
        "state": conversation.state,
        "assignee_id": conversation.assignee_id,
        "team_id": conversation.team_id,
        "change": change,
    }


def publish_conversation_change(changed: ConversationChanged) -> None:
    """After the change commits: the team hears every change, the customer only their messages and
    whether their conversation is open or closed (never notes, assignments or tags)."""
    change = CHANGE_NAMES.get(type(changed))
    if change is None:
        return
    with transaction.atomic():  # the change's events in one write: one commit, one NOTIFY round
        commit_without_waiting_for_the_disk()  # the change itself is on disk; these only signal it
        _publish_events(changed, change)


def _publish_events(changed: ConversationChanged, change: str) -> None:
    conversation = _conversation_of(changed)
    if conversation is None:
        return
    workspace_id = conversation.workspace_id
    customer = contact_audience(conversation.contact_id)
    by = {"teammate_id": changed.teammate_id}
    if isinstance(changed, ConversationStarted):
        publish(
            workspace_id,
            TEAM,
            "conversation.created",
            {
                **conversation_payload(conversation, change),
                "contact_id": conversation.contact_id,
                "contact_name": conversation.contact.display_name,
                "subject": conversation.subject,
                "channel": conversation.channel,
                **by,
            },
        )
        for part in parts_visible_to_contact(conversation)[:5]:
            publish(workspace_id, customer, "part.created", _part_event(part, for_contact=True))
        return
    part_id = getattr(changed, "part_id", None)
    if part_id is not None:
        part = Part.objects.select_related("author_teammate").filter(pk=part_id).first()
        if part is not None and part.conversation_id == conversation.pk:
            publish(workspace_id, TEAM, "part.created", _part_event(part))
            if isinstance(changed, MESSAGE_ANNOUNCEMENTS) and part.is_message:
                publish(workspace_id, customer, "part.created", _part_event(part, for_contact=True))
    publish(workspace_id, TEAM, "conversation.updated", {**conversation_payload(conversation, change), **by})
    if change in CONTACT_CHANGES:
        publish(
            workspace_id,
            customer,
            "conversation.updated",
            conversation_payload(conversation, change, for_contact=True),
        )


def _conversation_of(changed: ConversationChanged) -> Conversation | None:
    """The conversation as it is now: its contact too for a new one (the team's list shows who);
    else only what the payload says."""
    found = Conversation.objects.filter(pk=changed.conversation_id, workspace_id=changed.workspace_id)
    if isinstance(changed, ConversationStarted):
        return found.select_related("contact").first()
    return found.only(*PAYLOAD_FIELDS).order_by().first()


PAYLOAD_FIELDS = ("workspace_id", "contact_id", "state", "assignee_id", "team_id")


def _part_event(part: Part, *, for_contact: bool = False) -> dict:
    return {"conversation_id": part.conversation_id, "part": part_payload(part, for_contact=for_contact)}


MENTION = re.compile(r"(?<![\w.@])@([\w.+-]+)", re.UNICODE)


def mentioned_teammates(workspace: Workspace, text: str) -> list:
    """The active teammates a note names: "@First" (their first name) or "@localpart" (of their
    email address), case-insensitive. A word that names several teammates tells them all."""
    handles = {handle.rstrip(".").casefold() for handle in MENTION.findall(text)}
    if not handles:
        return []
    found = []
    for teammate in teammates(workspace).filter(is_active=True).select_related("user"):
        first = (teammate.name.split() or [""])[0].casefold()
        local = (teammate.email or "").split("@", 1)[0].casefold()
        if (first and first in handles) or (local and local in handles):
            found.append(teammate)
    return found


def notify_teammates(changed: ConversationChanged) -> None:
    """A conversation assigned to a teammate (by someone else), or a note that @mentions them."""
    conversation = (
        Conversation.objects.filter(pk=changed.conversation_id, workspace_id=changed.workspace_id)
        .select_related("contact", "workspace", "assignee")
        .first()
    )
    if conversation is None:
        return
    url = reverse("web:conversation", args=[conversation.workspace.slug, conversation.pk])
    who = conversation.contact.display_name
    if isinstance(changed, ConversationAssigned):
        assignee = conversation.assignee
        if assignee is None or assignee.pk != changed.assignee_id or assignee.pk == changed.teammate_id:
            return
        notify_teammate(
            assignee,
            kind=Notification.Kind.ASSIGNED,
            conversation_id=conversation.pk,
            title=f"Assigned to you: {conversation.subject or who}",
            body=conversation.last_part_preview,
            url=url,
        )
    elif isinstance(changed, NoteAdded):
        part = Part.objects.select_related("author_teammate").filter(pk=changed.part_id).first()
        if part is None:
            return
        text = message_text(part.body)
        author = part.author_teammate.name if part.author_teammate else "Someone"
        for teammate in mentioned_teammates(conversation.workspace, text):
            if teammate.pk == part.author_teammate_id:
                continue
            notify_teammate(
                teammate,
                kind=Notification.Kind.MENTIONED,
                conversation_id=conversation.pk,
                title=f"{author} mentioned you: {conversation.subject or who}",
                body=text[:300],
                url=url,
            )
