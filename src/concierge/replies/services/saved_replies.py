"""Saved replies' writes (docs/saved-replies.md): folders, replies with a version per language,
attachments, and sending one — its text filled in for the contact, its macro's actions run through
routing's action runner, its usage counted — all in one transaction, all or none.

Every change of the set-up is recorded in the audit trail in its transaction. Who may change a reply
is who may see it (selectors.saved_replies.visible_saved_replies); a team's reply also by an admin;
someone else's personal reply by no one else (it is a 404 to them, as if it were not there).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation, Part
from concierge.core import search
from concierge.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.core.zones import validate_locale_name
from concierge.mail import selectors as mail_selectors
from concierge.mail.services.outbound import keep_reply_files
from concierge.replies.models import SavedReply, SavedReplyAttachment, SavedReplyFolder, SavedReplyVersion
from concierge.replies.selectors.saved_replies import (
    SAVED_REPLY_KIND,
    can_change_saved_reply,
    is_visible_to,
    sender_for_a_rule,
    shared_with_workspace,
    version_for,
)
from concierge.replies.variables import check_variables, fill_variables
from concierge.routing.services.rules import clean_actions, run_actions
from concierge.workspaces.models import Team, Teammate, Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, record_audit

MAX_TITLE = 120
MAX_BODY = 10_000
MAX_VERSIONS = 20
MAX_FOLDER_NAME = 80
# The actions a macro may run (routing's), and "assign_me": the teammate who sends it.
MACRO_ACTIONS = ("tag", "set_priority", "assign_team", "assign_teammate", "snooze", "close")
ASSIGN_ME = "assign_me"
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
REFUSED_ATTACHMENT_ENDINGS = (
    ".exe",
    ".bat",
    ".cmd",
    ".com",
    ".scr",
    ".msi",
    ".vbs",
    ".js",
    ".jar",
    ".ps1",
    ".dll",
)


@dataclass(frozen=True)
class SavedReplyInput:
    title: str
    versions: dict[str, str]  # locale -> Markdown body
    visibility: str = SavedReply.Visibility.WORKSPACE
    team: Team | None = None
    folder: SavedReplyFolder | None = None
    actions: list = field(default_factory=list)


# Folders ------------------------------------------------------------------------------------------


def _clean_folder_name(name) -> str:
    return clean_short_text(
        name if isinstance(name, str) else None, field="name", max_length=MAX_FOLDER_NAME, required=True
    )


def create_folder(workspace: Workspace, name: str, *, actor: Actor = SYSTEM, at: datetime | None = None):
    at = at or timezone.now()
    name = _clean_folder_name(name)
    try:
        with transaction.atomic():
            folder = SavedReplyFolder.objects.create(workspace=workspace, name=name, created_at=at)
            record_audit(
                workspace,
                "saved_reply_folder.created",
                actor=actor,
                target=folder,
                changes={"name": [None, name]},
            )
    except IntegrityError as exc:
        raise Conflict(f"A folder named '{name}' already exists.", field="name") from exc
    return folder


def rename_folder(folder: SavedReplyFolder, name: str, *, actor: Actor = SYSTEM) -> SavedReplyFolder:
    name = _clean_folder_name(name)
    if name == folder.name:
        return folder
    before = folder.name
    try:
        with transaction.atomic():
            SavedReplyFolder.objects.filter(pk=folder.pk).update(name=name)
            folder.name = name
            record_audit(
                folder.workspace,
                "saved_reply_folder.renamed",
                actor=actor,
                target=folder,
                changes={"name": [before, name]},
            )
    except IntegrityError as exc:
        folder.name = before
        raise Conflict(f"A folder named '{name}' already exists.", field="name") from exc
    return folder


def delete_folder(folder: SavedReplyFolder, *, actor: Actor = SYSTEM) -> None:
    """The folder goes; its replies stay, outside any folder."""
    with transaction.atomic():
        record_audit(
            folder.workspace,
            "saved_reply_folder.deleted",
            actor=actor,
            target=folder,
            changes={"name": [folder.name, None]},
        )
        folder.delete()


# Saved replies ------------------------------------------------------------------------------------


def _clean_versions(workspace: Workspace, versions) -> dict[str, str]:
    if not isinstance(versions, dict) or not versions:
        raise InvalidInput("A saved reply needs its text in at least one language.", field="versions")
    if len(versions) > MAX_VERSIONS:
        raise InvalidInput(f"A saved reply has at most {MAX_VERSIONS} languages.", field="versions")
    cleaned = {}
    for locale, body in versions.items():
        if not isinstance(locale, str) or not locale.strip() or len(locale) > 20:
            raise InvalidInput("Each version needs a language such as 'en' or 'es'.", field="versions")
        locale = validate_locale_name(locale.strip(), field="locale")
        where = f"versions.{locale}"
        if not isinstance(body, str) or not body.strip():
            raise InvalidInput(f"The {locale} text must not be empty.", field=where)
        if len(body) > MAX_BODY:
            raise InvalidInput(
                f"The {locale} text is {len(body):,} characters; the limit is {MAX_BODY:,}.", field=where
            )
        refuse_control_characters(body, field=where, allowed="\t\n\r")
        check_variables(body, field=where)
        if locale in cleaned:
            raise InvalidInput(f"The language {locale} is given twice.", field="versions")
        cleaned[locale] = body.strip().replace("\r\n", "\n")
    return cleaned


def _clean_actions(workspace: Workspace, actions) -> list[dict]:
    if actions is None:
        return []
    if not isinstance(actions, list):
        raise InvalidInput("The actions are a list.", field="actions")
    routed, positions = [], []
    cleaned: list[dict | None] = []
    for number, action in enumerate(actions, start=1):
        if isinstance(action, dict) and action.get("type") == ASSIGN_ME:
            cleaned.append({"type": ASSIGN_ME})
        else:
            cleaned.append(None)
            routed.append(action)
            positions.append(number)
    allowed = (*MACRO_ACTIONS, ASSIGN_ME)
    for action, number in zip(routed, positions, strict=True):
        if not isinstance(action, dict) or action.get("type") not in MACRO_ACTIONS:
            raise InvalidInput(
                f"Action {number}: the type is one of {', '.join(allowed)}.", field=f"actions.{number}"
            )
    # Routing names each action by its place in the list it is given: give it one at a time.
    for action, number in zip(routed, positions, strict=True):
        try:
            (checked,) = clean_actions(workspace, [action], allowed=MACRO_ACTIONS)
        except InvalidInput as error:
            raise InvalidInput(
                error.message.replace("Action 1:", f"Action {number}:"), field=f"actions.{number}"
            ) from error
        cleaned[number - 1] = checked
    return [action for action in cleaned if action is not None]


def _clean(workspace: Workspace, given: SavedReplyInput, owner: Teammate | None) -> dict:
    title = clean_short_text(
        given.title if isinstance(given.title, str) else None,
        field="title",
        max_length=MAX_TITLE,
        required=True,
    )
    if given.visibility not in SavedReply.Visibility.values:
        raise InvalidInput(
            f"Who sees it is one of {', '.join(SavedReply.Visibility.values)}.", field="visibility"
        )
    team = given.team if given.visibility == SavedReply.Visibility.TEAM else None
    if given.visibility == SavedReply.Visibility.TEAM and (team is None or team.workspace_id != workspace.pk):
        raise InvalidInput("A team's reply needs one of the workspace's teams.", field="team")
    if given.visibility == SavedReply.Visibility.PERSONAL and owner is None:
        raise InvalidInput(
            "A personal reply belongs to a teammate; an API key without one cannot own it.",
            field="visibility",
        )
    if given.folder is not None and given.folder.workspace_id != workspace.pk:
        raise InvalidInput("No such folder.", field="folder")
    return {
        "title": title,
        "visibility": given.visibility,
        "team": team,
        "folder": given.folder,
        "actions": _clean_actions(workspace, given.actions),
        "versions": _clean_versions(workspace, given.versions),
    }


def _for_audit(reply: SavedReply, versions: dict[str, str]) -> dict:
    return {
        "title": reply.title,
        "visibility": reply.visibility,
        "team": reply.team,
        "folder": reply.folder,
        "owner": reply.owner if reply.visibility == SavedReply.Visibility.PERSONAL else None,
        "actions": reply.actions,
        **{f"text ({locale})": body for locale, body in sorted(versions.items())},
    }


def _index(reply: SavedReply, versions: dict[str, str]) -> None:
    """Each version searchable (core.search); its id is the version's."""
    rows = SavedReplyVersion.objects.filter(saved_reply=reply)
    search.remove_documents(SAVED_REPLY_KIND, list(rows.values_list("pk", flat=True)))
    search.index_documents([search_document(reply, version) for version in rows])


def search_document(reply: SavedReply, version: SavedReplyVersion) -> search.SearchDocument:
    return search.SearchDocument(
        workspace_id=reply.workspace_id,
        kind=SAVED_REPLY_KIND,
        object_id=version.pk,
        locale=version.locale,
        title=reply.title,
        headings="",
        body=search.plain_text(version.body),
        audience="internal",
    )


def create_saved_reply(
    workspace: Workspace,
    given: SavedReplyInput,
    *,
    owner: Teammate | None = None,
    actor: Actor = SYSTEM,
    at: datetime | None = None,
) -> SavedReply:
    """A new saved reply. `owner`: the teammate who writes it (its owner when personal)."""
    at = at or timezone.now()
    cleaned = _clean(workspace, given, owner)
    versions = cleaned.pop("versions")
    with transaction.atomic():
        reply = SavedReply.objects.create(
            workspace=workspace, owner=owner, created_at=at, updated_at=at, **cleaned
        )
        for locale, body in versions.items():
            SavedReplyVersion.objects.create(saved_reply=reply, workspace=workspace, locale=locale, body=body)
        _index(reply, versions)
        record_audit(
            workspace,
            "saved_reply.created",
            actor=actor,
            target=reply,
            changes=changed_fields({}, _for_audit(reply, versions)),
            at=at,
        )
    return reply


def _check_may_change(reply: SavedReply, teammate: Teammate | None) -> None:
    if teammate is not None and not can_change_saved_reply(reply, teammate):
        if not is_visible_to(reply, teammate):
            raise NotFound("No such saved reply.")
        raise InvalidInput(
            "Only the team's members and admins change a team's saved reply.", field="visibility"
        )


def update_saved_reply(
    reply: SavedReply,
    given: SavedReplyInput,
    *,
    teammate: Teammate | None = None,
    actor: Actor = SYSTEM,
    at: datetime | None = None,
) -> SavedReply:
    """Change a reply: its title, texts (the languages given replace the ones it had), who sees it,
    folder, actions. `teammate`: who changes it, checked (None: an owner's API key, the system)."""
    at = at or timezone.now()
    _check_may_change(reply, teammate)
    owner = reply.owner or teammate
    if (
        given.visibility == SavedReply.Visibility.PERSONAL
        and reply.visibility != given.visibility
        and teammate
    ):
        owner = teammate  # made personal: it becomes the reply of whoever made it so
    cleaned = _clean(reply.workspace, given, owner)
    versions = cleaned.pop("versions")
    with transaction.atomic():
        locked = SavedReply.objects.select_for_update().get(pk=reply.pk)
        before = _for_audit(locked, dict(locked.versions.values_list("locale", "body")))
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.owner = owner
        locked.updated_at = at
        locked.save()
        dropped = SavedReplyVersion.objects.filter(saved_reply=locked).exclude(locale__in=list(versions))
        search.remove_documents(SAVED_REPLY_KIND, list(dropped.values_list("pk", flat=True)))
        dropped.delete()
        for locale, body in versions.items():
            SavedReplyVersion.objects.update_or_create(
                saved_reply=locked, locale=locale, defaults={"body": body, "workspace": locked.workspace}
            )
        _index(locked, versions)
        changes = changed_fields(before, _for_audit(locked, versions))
        if changes:
            record_audit(
                locked.workspace, "saved_reply.changed", actor=actor, target=locked, changes=changes, at=at
            )
    return locked


def delete_saved_reply(reply: SavedReply, *, teammate: Teammate | None = None, actor: Actor = SYSTEM) -> None:
    _check_may_change(reply, teammate)
    with transaction.atomic():
        version_ids = list(SavedReplyVersion.objects.filter(saved_reply=reply).values_list("pk", flat=True))
        search.remove_documents(SAVED_REPLY_KIND, version_ids)
        record_audit(
            reply.workspace,
            "saved_reply.deleted",
            actor=actor,
            target=reply,
            changes={"title": [reply.title, None]},
        )
        for attachment in reply.attachments.all():
            attachment.file.delete(save=False)
        reply.delete()


# Attachments --------------------------------------------------------------------------------------


def add_attachment(
    reply: SavedReply,
    upload,
    *,
    teammate: Teammate | None = None,
    actor: Actor = SYSTEM,
    at: datetime | None = None,
) -> SavedReplyAttachment:
    """Keep a file with the reply (Django's storage): at most MAX_ATTACHMENTS files of
    MAX_ATTACHMENT_BYTES each, none of the kinds that run on a computer."""
    _check_may_change(reply, teammate)
    name = clean_short_text(getattr(upload, "name", None), field="file", max_length=200, required=True)
    if name.lower().endswith(REFUSED_ATTACHMENT_ENDINGS):
        raise InvalidInput(f"Files like {name} are not kept (they run on a computer).", field="file")
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise InvalidInput(f"{name} is empty.", field="file")
    if size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            f"{name} is {size / 1024 / 1024:.1f} MB; the limit is {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.",
            field="file",
        )
    with transaction.atomic():
        locked = SavedReply.objects.select_for_update().get(pk=reply.pk)
        if SavedReplyAttachment.objects.filter(saved_reply=locked).count() >= MAX_ATTACHMENTS:
            raise InvalidInput(f"A saved reply has at most {MAX_ATTACHMENTS} files.", field="file")
        content_type = (getattr(upload, "content_type", "") or "application/octet-stream")[:100]
        attachment = SavedReplyAttachment(
            saved_reply=locked,
            workspace_id=locked.workspace_id,
            name=name,
            content_type=content_type,
            size=size,
            created_at=at or timezone.now(),
        )
        attachment.file.save(name, upload, save=False)
        try:
            attachment.save()
            record_audit(
                locked.workspace,
                "saved_reply.file_added",
                actor=actor,
                target=locked,
                changes={"file": [None, name]},
            )
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def remove_attachment(
    attachment: SavedReplyAttachment, *, teammate: Teammate | None = None, actor: Actor = SYSTEM
) -> None:
    reply = attachment.saved_reply
    _check_may_change(reply, teammate)
    with transaction.atomic():
        record_audit(
            reply.workspace,
            "saved_reply.file_removed",
            actor=actor,
            target=reply,
            changes={"file": [attachment.name, None]},
        )
        attachment.delete()
    attachment.file.delete(save=False)


# Using a saved reply ------------------------------------------------------------------------------


def filled_text(reply: SavedReply, conversation: Conversation, teammate: Teammate | None) -> str:
    """The reply's text for this conversation's contact: in their language (else the workspace's,
    else the first there is), its variables filled in."""
    contact = conversation.contact
    version = version_for(reply, contact.locale, conversation.workspace.locale)
    locale = version.locale if version else (contact.locale or conversation.workspace.locale)
    return fill_variables(
        version.body if version else "",
        contact=contact,
        teammate=teammate,
        workspace=conversation.workspace,
        locale=locale,
    )


def _macro_actions(reply: SavedReply, teammate: Teammate | None) -> list[dict]:
    actions = []
    for action in reply.actions:
        if action.get("type") == ASSIGN_ME:
            if teammate is None:
                continue  # the system sends it (a routing rule): there is no "me" to assign
            actions.append({"type": "assign_teammate", "teammate_id": teammate.pk})
        else:
            actions.append(action)
    return actions


def apply_saved_reply(
    reply: SavedReply,
    conversation: Conversation,
    *,
    teammate: Teammate | None,
    at: datetime | None = None,
    data: dict | None = None,
) -> None:
    """What using a reply does besides its text: its macro's actions run and its use is counted.
    Raises (and so undoes the caller's transaction) when an action cannot run."""
    at = at or timezone.now()
    if teammate is not None and not is_visible_to(reply, teammate):
        raise NotFound("No such saved reply.")
    data = {"saved_reply": reply.title, "saved_reply_id": reply.pk, **(data or {})}
    with transaction.atomic():
        try:
            run_actions(conversation, _macro_actions(reply, teammate), teammate=teammate, at=at, data=data)
        except ObjectDoesNotExist as exc:
            raise Conflict(
                f"The saved reply '{reply.title}' names something that was deleted; nothing was sent.",
                field="saved_reply",
            ) from exc
        except ServiceError as exc:
            raise Conflict(
                f"The saved reply's action could not run: {exc.message} Nothing was sent.",
                field="saved_reply",
            ) from exc
        SavedReply.objects.filter(pk=reply.pk).update(usage_count=F("usage_count") + 1, last_used_at=at)


FILE_LINK_SALT = "concierge.replies.file"


def send_files_with_reply(reply: SavedReply, part: Part) -> None:
    """A saved reply's files go with the reply it was sent in, inside that reply's transaction: in an
    email conversation as the email's attachments; elsewhere (the messenger, the API) as links under
    the message, each signed for that file alone."""
    files = list(reply.attachments.all())
    if not files:
        return
    conversation = part.conversation
    thread = (
        mail_selectors.thread_of_conversation(conversation.workspace, conversation.pk)
        if conversation.channel == "email"
        else None
    )
    if thread is not None:
        contents = [(f.name, _stored_bytes(f)) for f in files]
        conversations.add_files_to_new_reply(part, attachments=keep_reply_files(thread, contents))
        return
    links = "".join(
        f'<p>📎 <a href="{escape(file_link(f))}" target="_blank" rel="noopener">{escape(f.name)}</a></p>'
        for f in files
    )
    conversations.add_files_to_new_reply(part, links_html=links)


def file_link(attachment: SavedReplyAttachment) -> str:
    """The address a customer opens a saved reply's file at (it stays valid while the file is kept)."""
    token = signing.dumps([attachment.workspace_id, attachment.pk], salt=FILE_LINK_SALT, compress=True)
    return reverse("saved-reply-file", args=[token])


def _stored_bytes(attachment: SavedReplyAttachment) -> bytes:
    with attachment.file.open("rb") as stored:
        return stored.read()


def count_saved_reply_use(reply: SavedReply, *, at: datetime | None = None) -> None:
    """Count one use of a reply sent without the composer (a history replayed: the demo, an import)."""
    at = at or timezone.now()
    SavedReply.objects.filter(pk=reply.pk).update(usage_count=F("usage_count") + 1, last_used_at=at)


def send_saved_reply(
    conversation: Conversation,
    reply: SavedReply,
    *,
    teammate: Teammate | None,
    body: str | None = None,
    as_note: bool = False,
    at: datetime | None = None,
    data: dict | None = None,
) -> Part:
    """Send a saved reply in a conversation: `body` as the teammate edited it, else the reply's text
    filled in for the contact; then its actions, and its use counted. All or none: an action that
    cannot run (a tag deleted since, a closed conversation to snooze) undoes the message too."""
    at = at or timezone.now()
    if reply.workspace_id != conversation.workspace_id:
        raise NotFound("No such saved reply.")
    if teammate is not None and not is_visible_to(reply, teammate):
        raise NotFound("No such saved reply.")
    text = body if body is not None else filled_text(reply, conversation, teammate)
    if not text.strip():
        raise InvalidInput("The saved reply has no text in any language.", field="body")
    with transaction.atomic():
        if as_note:
            part = conversations.add_note(conversation, teammate, text, at=at, keep_html=False, data=data)
        elif teammate is None:
            raise InvalidInput("A reply is sent by a teammate.", field="teammate")
        else:
            part = conversations.reply_as_teammate(
                conversation, teammate, text, at=at, keep_html=False, data=data
            )
            send_files_with_reply(reply, part)
        apply_saved_reply(reply, conversation, teammate=teammate, at=at, data=data)
    return part


def send_for_rule(
    conversation: Conversation, saved_reply_id: int, *, at=None, data: dict | None = None
) -> Part:
    """Routing's "send the saved reply" action (lent to routing in AppConfig.ready): a reply shared
    with the whole workspace, filled in for the contact and sent as `sender_for_a_rule`, its files
    and its macro's actions with it, the rule named on its timeline entries."""
    reply = shared_with_workspace(conversation.workspace).filter(pk=saved_reply_id).first()
    if reply is None:
        raise Conflict("The rule's saved reply was deleted or is no longer shared with everyone.")
    sender = sender_for_a_rule(conversation, reply)
    if sender is None:
        raise Conflict("No active teammate to send the rule's saved reply as.")
    return send_saved_reply(conversation, reply, teammate=sender, at=at, data=data)
