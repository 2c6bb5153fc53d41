"""The saved replies' pages: the list with folders and search, the editor with its live preview (the
help center editor's way: the server renders what is typed), folders, attachments."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from concierge.contacts.models import Contact
from concierge.conversations import selectors as conversation_selectors
from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.core.text import render_message
from concierge.core.zones import CUSTOMER_LANGUAGES
from concierge.replies.models import SavedReply
from concierge.replies.selectors import saved_replies as selectors
from concierge.replies.services import saved_replies as services
from concierge.replies.variables import check_variables, fill_variables
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import teammate_page
from concierge.workspaces.services import Actor

MAX_QUERY = 200
MAX_LANGUAGE_ROWS = services.MAX_VERSIONS
SNOOZE_CHOICES = (
    ("", "Don't snooze"),
    ("60", "1 hour"),
    ("240", "4 hours"),
    ("1440", "1 day"),
    ("10080", "1 week"),
)
# Whom the preview fills the variables for: an example customer (their plan an attribute).
EXAMPLE_CONTACT = {
    "name": "Jordan Example",
    "email": "jordan@example.com",
    "attributes": {"plan": "Pro", "seats": 12},
}


def _number(value) -> int | None:
    """A positive id typed in a form or a query, else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < len(value) <= 18:
        return int(value)
    return None


def _reply_or_404(request, reply_id) -> SavedReply:
    try:
        return selectors.saved_reply_by_id(request.workspace, request.teammate, reply_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@teammate_page
def saved_replies_page(request):
    query = (request.GET.get("q") or "")[:MAX_QUERY]
    folder_param = request.GET.get("folder") or ""
    folder_id = 0 if folder_param == "none" else _number(folder_param)
    status = 200
    error = ""
    if "\x00" in query:
        query, status, error = "", 400, "The search must not contain NUL characters."
    if folder_param and folder_param != "none" and folder_id is None:
        status, error = 400, "No such folder."
    replies = selectors.saved_replies_list(
        request.workspace, request.teammate, query=query, folder_id=folder_id
    )
    context = {
        "section": "replies",
        "replies": replies,
        "folders": list(selectors.folders(request.workspace)),
        "query": query,
        "folder": folder_param,
        "error": error,
    }
    if request.htmx and request.htmx.target == "saved-reply-results":
        return render(request, "replies/_saved_reply_results.html", context, status=status)
    return render(request, "replies/saved_replies.html", context, status=status)


def _versions_from(post) -> dict[str, str]:
    """The editor's languages: rows `locale_N` / `body_N`; a row with neither is left out."""
    versions: dict[str, str] = {}
    for index in range(MAX_LANGUAGE_ROWS + 1):
        locale = (post.get(f"locale_{index}") or "").strip()
        body = post.get(f"body_{index}") or ""
        if not locale and not body.strip():
            continue
        if not locale:
            raise InvalidInput(f"Language {index + 1}: name its language (e.g. en, es).", field="versions")
        if locale in versions:
            raise InvalidInput(f"The language {locale} is given twice.", field="versions")
        versions[locale] = body
    return versions


def _actions_from(request, post) -> list[dict]:
    """The macro's actions, in the order they run: tag, priority, assignment, then snooze or close."""
    actions: list[dict] = []
    tag_id = post.get("action_tag") or ""
    if tag_id:
        actions.append({"type": "tag", "tag_id": tag_id})
    if post.get("action_priority"):
        actions.append({"type": "set_priority", "priority": post["action_priority"]})
    assign = post.get("action_assign") or ""
    if assign == "me":
        actions.append({"type": "assign_me"})
    elif assign.startswith("team:"):
        actions.append({"type": "assign_team", "team_id": assign[5:]})
    elif assign.startswith("teammate:"):
        actions.append({"type": "assign_teammate", "teammate_id": assign[9:]})
    elif assign:
        raise InvalidInput("Choose whom the macro assigns to from the list.", field="actions")
    if post.get("action_snooze"):
        if post.get("action_close"):
            raise InvalidInput(
                "A macro either snoozes or closes the conversation, not both.", field="actions"
            )
        actions.append({"type": "snooze", "minutes": post["action_snooze"]})
    if post.get("action_close"):
        actions.append({"type": "close"})
    return actions


def _input_from(request, post, reply: SavedReply | None) -> services.SavedReplyInput:
    team = None
    if post.get("visibility") == SavedReply.Visibility.TEAM:
        team_id = _number(post.get("team"))
        team = next((t for t in workspace_selectors.teams(request.workspace) if t.pk == team_id), None)
        if team is None:
            raise InvalidInput("Choose the team that sees this reply.", field="team")
    folder = None
    if post.get("folder"):
        try:
            folder = selectors.folder_by_id(request.workspace, post.get("folder"))
        except NotFound as exc:
            raise InvalidInput(exc.message, field="folder") from exc
    return services.SavedReplyInput(
        title=post.get("title") or "",
        versions=_versions_from(post),
        visibility=post.get("visibility") or "",
        team=team,
        folder=folder,
        actions=_actions_from(request, post),
    )


def _edit_values(reply: SavedReply | None, post=None, default_locale: str = "en") -> dict:
    """What the editor's fields show: what was posted (after an error), else the reply, else blanks."""
    if post is not None:
        rows = [
            (post.get(f"locale_{i}", ""), post.get(f"body_{i}", ""))
            for i in range(MAX_LANGUAGE_ROWS + 1)
            if post.get(f"locale_{i}") or post.get(f"body_{i}")
        ]
        values = {name: post.get(name, "") for name in ("title", "folder", "visibility", "team")}
        values.update(
            {
                name: post.get(name, "")
                for name in ("action_tag", "action_priority", "action_assign", "action_snooze")
            }
        )
        values["action_close"] = bool(post.get("action_close"))
    elif reply is not None:
        rows = [(v.locale, v.body) for v in reply.versions.all()]
        values = {
            "title": reply.title,
            "folder": str(reply.folder_id or ""),
            "visibility": reply.visibility,
            "team": str(reply.team_id or ""),
            "action_tag": "",
            "action_priority": "",
            "action_assign": "",
            "action_snooze": "",
            "action_close": False,
        }
        for action in reply.actions:
            kind = action.get("type")
            if kind == "tag":
                values["action_tag"] = str(action["tag_id"])
            elif kind == "set_priority":
                values["action_priority"] = action["priority"]
            elif kind == "assign_me":
                values["action_assign"] = "me"
            elif kind == "assign_team":
                values["action_assign"] = f"team:{action['team_id']}"
            elif kind == "assign_teammate":
                values["action_assign"] = f"teammate:{action['teammate_id']}"
            elif kind == "snooze":
                values["action_snooze"] = str(action["minutes"])
            elif kind == "close":
                values["action_close"] = True
    else:
        rows = [(default_locale, "Hi {{contact.first_name|there}},\n\n\n\n{{teammate.first_name}}")]
        values = {"title": "", "folder": "", "visibility": "workspace", "team": "", "action_close": False}
    rows = rows or [(default_locale, "")]
    values["rows"] = [(index, locale, body) for index, (locale, body) in enumerate(rows)]
    values["new_row"] = len(rows)
    return values


def _editor(request, reply: SavedReply | None, *, error=None, status=200):
    from concierge.conversations.selectors import tags

    post = request.POST if error is not None else None
    values = _edit_values(reply, post, request.workspace.locale)
    values["rows"] = [
        (index, locale, body, *_preview_html(request, body)) for index, locale, body in values["rows"]
    ]
    context = {
        "section": "replies",
        "reply": reply,
        "edit": values,
        "error": error,
        "folders": list(selectors.folders(request.workspace)),
        "teams": list(workspace_selectors.teams(request.workspace)),
        "teammates": [t for t in workspace_selectors.teammates(request.workspace) if t.is_active],
        "tags": list(tags(request.workspace)),
        "assign_choices": [
            ("me", "Whoever sends it"),
            *(
                (f"team:{team.pk}", f"Team {team.name}")
                for team in workspace_selectors.teams(request.workspace)
            ),
            *(
                (f"teammate:{t.pk}", t.name)
                for t in workspace_selectors.teammates(request.workspace)
                if t.is_active
            ),
        ],
        "priorities": Conversation.Priority.choices,
        "snooze_choices": SNOOZE_CHOICES,
        "visibilities": SavedReply.Visibility.choices,
        "languages": CUSTOMER_LANGUAGES,
        "attachments": list(reply.attachments.all()) if reply else [],
        "max_attachments": services.MAX_ATTACHMENTS,
        "max_attachment_mb": services.MAX_ATTACHMENT_BYTES // 1024 // 1024,
    }
    return render(request, "replies/saved_reply_editor.html", context, status=status)


@teammate_page
def saved_reply_new(request):
    if request.method != "POST":
        return _editor(request, None)
    try:
        reply = services.create_saved_reply(
            request.workspace,
            _input_from(request, request.POST, None),
            owner=request.teammate,
            actor=Actor.for_teammate(request.teammate),
        )
    except ServiceError as error:
        return _editor(request, None, error=error, status=error.status_code)
    messages.success(request, f"Saved reply '{reply.title}' created.")
    return redirect("web:saved-reply-edit", request.workspace.slug, reply.pk)


@teammate_page
def saved_reply_edit(request, reply_id: int):
    reply = _reply_or_404(request, reply_id)
    if request.method != "POST":
        return _editor(request, reply)
    try:
        services.update_saved_reply(
            reply,
            _input_from(request, request.POST, reply),
            teammate=request.teammate,
            actor=Actor.for_teammate(request.teammate),
        )
    except ServiceError as error:
        return _editor(request, reply, error=error, status=error.status_code)
    messages.success(request, "Saved.")
    return redirect("web:saved-reply-edit", request.workspace.slug, reply.pk)


@require_POST
@teammate_page
def saved_reply_delete(request, reply_id: int):
    reply = _reply_or_404(request, reply_id)
    try:
        services.delete_saved_reply(
            reply, teammate=request.teammate, actor=Actor.for_teammate(request.teammate)
        )
    except ServiceError as error:
        return _editor(request, reply, error=error, status=error.status_code)
    messages.success(request, f"Saved reply '{reply.title}' deleted.")
    return redirect("web:saved-replies", request.workspace.slug)


def _preview_html(request, body: str) -> tuple[str, str]:
    """The body as a customer would read it, filled in for the example customer: (html, error)."""
    if not body.strip():
        return "", ""
    try:
        check_variables(body)
        contact = Contact(workspace=request.workspace, **EXAMPLE_CONTACT)
        filled = fill_variables(
            body, contact=contact, teammate=request.teammate, workspace=request.workspace, locale="en"
        )
        return render_message(filled, keep_html=False), ""
    except InvalidInput as exc:
        return "", exc.message


@require_POST
@teammate_page
def saved_reply_preview(request):
    """The editor's live preview of the language being edited (the field named by `field`)."""
    field = request.POST.get("field") or "body_0"
    if not (field.startswith("body_") and _number(field[5:]) is not None or field == "body_0"):
        field = "body_0"
    html, error = _preview_html(request, request.POST.get(field) or "")
    return render(request, "replies/_saved_reply_preview.html", {"preview": html, "error": error})


@require_POST
@teammate_page
def saved_reply_folder_create(request):
    try:
        folder = services.create_folder(
            request.workspace, request.POST.get("name") or "", actor=Actor.for_teammate(request.teammate)
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("web:saved-replies", request.workspace.slug)
    messages.success(request, f"Folder '{folder.name}' created.")
    return redirect(f"{request.path.rsplit('folders/', 1)[0]}?folder={folder.pk}")


@require_POST
@teammate_page
def saved_reply_folder_delete(request, folder_id: int):
    try:
        folder = selectors.folder_by_id(request.workspace, folder_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    services.delete_folder(folder, actor=Actor.for_teammate(request.teammate))
    messages.success(request, f"Folder '{folder.name}' deleted; its replies are kept outside any folder.")
    return redirect("web:saved-replies", request.workspace.slug)


@require_POST
@teammate_page
def saved_reply_attachment_add(request, reply_id: int):
    reply = _reply_or_404(request, reply_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("Choose a file to attach.", field="file")
        services.add_attachment(
            reply, upload, teammate=request.teammate, actor=Actor.for_teammate(request.teammate)
        )
    except ServiceError as error:
        return _editor(request, reply, error=error, status=error.status_code)
    messages.success(request, f"{upload.name} attached.")
    return redirect("web:saved-reply-edit", request.workspace.slug, reply.pk)


@require_POST
@teammate_page
def saved_reply_attachment_remove(request, reply_id: int, file_id: int):
    reply = _reply_or_404(request, reply_id)
    attachment = reply.attachments.filter(pk=file_id).first()
    if attachment is None:
        raise Http404("No such file.")
    services.remove_attachment(
        attachment, teammate=request.teammate, actor=Actor.for_teammate(request.teammate)
    )
    messages.success(request, f"{attachment.name} removed.")
    return redirect("web:saved-reply-edit", request.workspace.slug, reply.pk)


def conversation_or_404(request, conversation_id: int):
    try:
        return conversation_selectors.conversation_by_id(request.workspace, conversation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
