"""What the messenger shows a customer, gathered from the apps below: the team's faces and when a
reply can be expected (routing's office hours), the latest conversation, a 1:1 session offered here
(meetings), help-center articles, and the customer's own files. Always one workspace's, and for a
contact only their own."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.conversations import selectors as conversation_selectors
from concierge.conversations.models import Conversation
from concierge.core.errors import NotFound
from concierge.helpcenter.selectors import public as help_selectors
from concierge.meetings.selectors.session_types import session_types
from concierge.messenger.models import Attachment
from concierge.routing.selectors.hours import is_open, next_opening_in, schedule_for
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import teammates

FACES = 3
# A booking link (meetings' BookingTrigger) whose place is this name is the one the messenger offers.
MESSENGER_PLACE = "messenger"


@dataclass(frozen=True)
class Face:
    name: str
    initials: str


@dataclass(frozen=True)
class ReplyExpectation:
    open_now: bool
    back_at: datetime | None  # the next opening when closed; None when open or never again


@dataclass(frozen=True)
class OfferedSession:
    name: str
    length_minutes: int
    token: str


def faces_of_team(workspace: Workspace) -> list[Face]:
    people = teammates(workspace).filter(is_active=True).order_by("created_at", "id")[:FACES]
    return [Face(person.name, person.initials or _initials(person.name)) for person in people]


def _initials(name: str) -> str:
    words = [word for word in name.split() if word]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def reply_expectation(workspace: Workspace, at: datetime | None = None) -> ReplyExpectation:
    """Open now ("We usually reply in a few minutes"), or when the team is back (the workspace's office
    hours; always open without any)."""
    at = at or timezone.now()
    schedule = schedule_for(workspace)
    if is_open(schedule, at):
        return ReplyExpectation(True, None)
    return ReplyExpectation(False, next_opening_in(schedule, at))


def latest_conversation(workspace: Workspace, contact: Contact) -> Conversation | None:
    return conversation_selectors.conversations_of_contact(workspace, contact).first()


def session_offered_here(workspace: Workspace) -> OfferedSession | None:
    """The first active 1:1 session type with an active booking link placed in the messenger."""
    for session_type in session_types(workspace, active_only=True):
        for trigger in session_type.triggers.all():
            if trigger.is_active and trigger.place.strip().lower() == MESSENGER_PLACE:
                return OfferedSession(session_type.name, session_type.length_minutes, trigger.token)
    return None


def help_language(workspace: Workspace, wanted: str) -> str | None:
    """The help center's language closest to the customer's; None when it has no article."""
    languages = help_selectors.help_center_languages(workspace)
    if not languages:
        return None
    return help_selectors.language_for_visitor(workspace, languages, wanted)


def attachment_of_contact(workspace: Workspace, contact: Contact, attachment_id: int) -> Attachment:
    """One of the files in the contact's own conversations; anyone else's is not found."""
    attachment = Attachment.objects.filter(
        workspace=workspace, conversation__contact=contact, pk=attachment_id, part__isnull=False
    ).first()
    if attachment is None:
        raise NotFound(f"No file with id {attachment_id} for this contact.")
    return attachment


def attachment_by_id(workspace: Workspace, attachment_id: int) -> Attachment:
    """A file sent in one of the workspace's conversations (for its teammates)."""
    attachment = Attachment.objects.filter(workspace=workspace, pk=attachment_id, part__isnull=False).first()
    if attachment is None:
        raise NotFound(f"No file with id {attachment_id}.")
    return attachment
