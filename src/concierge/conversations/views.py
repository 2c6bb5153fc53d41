"""The inbox: the conversation list with its filters, one conversation with its parts, and the actions
on it. Actions answer an HTMX request with the re-rendered conversation (and its list row, out of band);
without HTMX they redirect back, so every form also works as a plain form."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from concierge.conversations import selectors, services
from concierge.conversations.forms import (
    InboxFilterForm,
    assignee_from_form,
    is_still_listed,
    message_from_composer,
    snooze_presets,
    snooze_until_from_text,
    tag_from_form,
    team_from_form,
)
from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

CONVERSATIONS_PER_PAGE = 25
CONVERSATIONS_ON_A_CONTACTS_PAGE = 50
LIST_PANE = "conversation-list"
DETAIL_PANE = "detail-pane"


@dataclass(frozen=True)
class InboxHeaderNote:
    template: str
    context: Callable


_header_notes: list[InboxHeaderNote] = []


def show_in_inbox_header(template: str, context: Callable) -> None:
    """Add a short note to the inbox list's header (routing: who is on support today), drawn with
    `template` from `context(request)`; a context of None shows nothing. Called in AppConfig.ready."""
    note = InboxHeaderNote(template, context)
    if note not in _header_notes:
        _header_notes.append(note)


@dataclass(frozen=True)
class ComposerFields:
    channel: str
    template: str
    context: Callable
    read: Callable


_composer_fields: list[ComposerFields] = []


def show_in_composer(channel: str, template: str, context: Callable, read: Callable) -> None:
    """Add fields to the composer of a channel's conversations (mail: Cc and files on an email
    conversation's reply), drawn with `template` from `context(request, conversation)` (None: not
    shown). On a reply, `read(request, conversation)` returns what the reply's message keeps (its
    `data`) or refuses the input with a ServiceError, which undoes the reply. Called in AppConfig.ready."""
    fields = ComposerFields(channel, template, context, read)
    if fields not in _composer_fields:
        _composer_fields.append(fields)


def _wants_fragment(request, target: str) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request and request.htmx.target == target


def _list_query(request) -> QueryDict:
    """The list's filters as the browser shows them: from this URL, or from the page an action came from."""
    if request.method == "GET":
        query = request.GET.copy()
    else:
        current = request.htmx.current_url if request.htmx else None
        query = QueryDict(urlsplit(current).query if current else "", mutable=True)
    query.pop("page", None)
    return query


def _listed(request, query: QueryDict) -> tuple[InboxFilterForm, QuerySet]:
    """The list's filter form for `query` and the conversations it lists (none while it is invalid)."""
    form = InboxFilterForm(query, workspace=request.workspace, teammate=request.teammate)
    if not form.is_valid():
        return form, Conversation.objects.none()
    return form, selectors.inbox(request.workspace, **form.selector_filters())


def _conversation_list_context(request) -> dict:
    form, conversations = _listed(request, request.GET)
    page = Paginator(conversations, CONVERSATIONS_PER_PAGE).get_page(request.GET.get("page"))
    notes = [(note.template, note.context(request)) for note in _header_notes]
    return {
        "filter_form": form,
        "page": page,
        "list_query": _list_query(request).urlencode(),
        "header_notes": [(template, note) for template, note in notes if note is not None],
    }


def contact_conversations_panel(request, contact) -> dict:
    """The contact's page's panel of their conversations, most recent first (contacts.views)."""
    conversations = selectors.inbox(request.workspace, contact_id=contact.pk)
    return {
        "conversations": list(conversations[:CONVERSATIONS_ON_A_CONTACTS_PAGE]),
        "count": conversations.count(),
    }


def _conversation_or_404(request, conversation_id: int) -> Conversation:
    try:
        return selectors.conversation_by_id(request.workspace, conversation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _detail_context(request, conversation: Conversation, *, error=None, action=None, kept=None) -> dict:
    teammates = [t for t in workspace_selectors.teammates(request.workspace) if t.is_active]
    return {
        "conversation": conversation,
        "parts": list(selectors.parts_of(conversation)),
        "teammates": teammates,
        "teams": list(workspace_selectors.teams(request.workspace)),
        "known_tags": list(selectors.tags(request.workspace)),
        "snooze_presets": snooze_presets(request.teammate.timezone, request.teammate.locale),
        "list_query": _list_query(request).urlencode(),
        "error": error,
        "error_action": action,
        "kept": kept or {},
        "composer_fields": [
            (fields.template, extra)
            for fields in _composer_fields
            if fields.channel == conversation.channel
            and (extra := fields.context(request, conversation)) is not None
        ],
    }


def _vary_on_htmx(response):
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@teammate_page
def inbox(request):
    context = _conversation_list_context(request)
    status = 200 if context["filter_form"].is_valid() else 422
    if _wants_fragment(request, LIST_PANE):
        return _vary_on_htmx(render(request, "conversations/_list.html", context, status=status))
    context["section"] = "inbox"
    return _vary_on_htmx(render(request, "conversations/inbox.html", context, status=status))


@teammate_page
def conversation_page(request, conversation_id: int):
    conversation = _conversation_or_404(request, conversation_id)
    context = _detail_context(request, conversation)
    if _wants_fragment(request, DETAIL_PANE):
        return _vary_on_htmx(render(request, "conversations/_detail.html", context))
    context.update(_conversation_list_context(request), section="inbox")
    return _vary_on_htmx(render(request, "conversations/inbox.html", context))


def _run_action(request, conversation_id: int, action: str, change) -> HttpResponse:
    """Apply `change(conversation)` (which calls a service) and answer with the conversation as it now
    is; a refused input re-renders the form with its error and the status the error carries."""
    conversation = _conversation_or_404(request, conversation_id)
    try:
        change(conversation)
    except ServiceError as error:
        conversation = _conversation_or_404(request, conversation_id)
        context = _detail_context(request, conversation, error=error, action=action, kept=request.POST)
        return _render_detail(request, context, status=error.status_code)
    if not request.htmx:
        return redirect("web:conversation", request.workspace.slug, conversation_id)
    conversation = _conversation_or_404(request, conversation_id)
    context = _detail_context(request, conversation)
    list_query = _list_query(request)
    context["still_listed"] = is_still_listed(conversation, list_query, request.teammate)
    if not context["still_listed"]:
        context["listed_count"] = _listed(request, list_query)[1].count()  # the list's count, kept true
    return _render_detail(request, context, status=200)


def _render_detail(request, context: dict, *, status: int):
    if request.htmx:
        return render(request, "conversations/_detail_swap.html", context, status=status)
    context.update(_conversation_list_context(request), section="inbox")
    return render(request, "conversations/inbox.html", context, status=status)


@require_POST
@teammate_page
def reply(request, conversation_id: int):
    def send(conversation):
        body = message_from_composer(request.POST.get("body"))
        readers = [fields.read for fields in _composer_fields if fields.channel == conversation.channel]
        if not readers:
            services.reply_as_teammate(conversation, request.teammate, body, keep_html=False)
            return
        with transaction.atomic():  # a field refused undoes the reply
            data = {}
            for read in readers:
                data.update(read(request, conversation) or {})
            services.reply_as_teammate(
                conversation, request.teammate, body, keep_html=False, data=data or None
            )

    return _run_action(request, conversation_id, "compose", send)


@require_POST
@teammate_page
def note(request, conversation_id: int):
    def write(conversation):
        if request.FILES:
            raise InvalidInput("Files go with a reply; an internal note carries none.", field="attachments")
        body = message_from_composer(request.POST.get("body"))
        services.add_note(conversation, request.teammate, body, keep_html=False)

    return _run_action(request, conversation_id, "compose", write)


@require_POST
@teammate_page
def assign(request, conversation_id: int):
    def change(conversation):
        assignee = assignee_from_form(request.workspace, request.POST.get("assignee"))
        team = team_from_form(request.workspace, request.POST.get("team"))
        services.assign_conversation(conversation, teammate=request.teammate, assignee=assignee, team=team)

    return _run_action(request, conversation_id, "assign", change)


@require_POST
@teammate_page
def add_tag(request, conversation_id: int):
    def change(conversation):
        tag = services.tag_for_name(
            request.workspace, request.POST.get("tag"), actor=Actor.for_teammate(request.teammate)
        )
        services.tag_conversation(conversation, tag, teammate=request.teammate)

    return _run_action(request, conversation_id, "tags", change)


@require_POST
@teammate_page
def remove_tag(request, conversation_id: int):
    def change(conversation):
        tag = tag_from_form(request.workspace, request.POST.get("tag"))
        services.untag_conversation(conversation, tag, teammate=request.teammate)

    return _run_action(request, conversation_id, "tags", change)


@require_POST
@teammate_page
def close(request, conversation_id: int):
    def change(conversation):
        services.close_conversation(conversation, by="teammate", teammate=request.teammate)

    return _run_action(request, conversation_id, "state", change)


@require_POST
@teammate_page
def reopen(request, conversation_id: int):
    def change(conversation):
        services.reopen_conversation(conversation, teammate=request.teammate)

    return _run_action(request, conversation_id, "state", change)


@require_POST
@teammate_page
def snooze(request, conversation_id: int):
    def change(conversation):
        chosen = request.POST.get("until_preset") or request.POST.get("until")
        until = snooze_until_from_text(chosen, request.teammate.timezone)
        services.snooze_conversation(conversation, until=until, teammate=request.teammate)

    return _run_action(request, conversation_id, "snooze", change)


# ---------- Settings: the workspace's tags (owners and admins; under /w/<slug>/settings/tags/) ----------

TAGS_REFUSAL = "Only owners and admins can change the workspace's settings."


def _render_tags_settings(request, *, error=None, status=200, name=""):
    context = {
        "section": "settings",
        "settings_section": "tags",
        "tags": list(selectors.tags_with_use(request.workspace)),
        "error": error,
        "name": name,
    }
    return render(request, "conversations/settings_tags.html", context, status=status)


def _tag_setting_change(request, change, success: str):
    try:
        change()
    except ServiceError as exc:
        return _render_tags_settings(request, error=exc, status=exc.status_code)
    messages.success(request, success)
    return redirect("web:settings_tags", request.workspace.slug)


def _tag_or_404(request, tag_id: int):
    try:
        return selectors.tag_by_id(request.workspace, tag_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@owners_and_admins_page(TAGS_REFUSAL)
def tags_settings_page(request):
    """GET: the tags by name, with how many conversations carry each; POST: a new tag."""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            tag = services.create_tag(request.workspace, name, actor=Actor.for_teammate(request.teammate))
        except ServiceError as exc:
            return _render_tags_settings(request, error=exc, status=exc.status_code, name=name)
        messages.success(request, f"Tag {tag.name} created.")
        return redirect("web:settings_tags", request.workspace.slug)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return _render_tags_settings(request)


@owners_and_admins_page(TAGS_REFUSAL)
@require_POST
def rename_tag_setting(request, tag_id: int):
    tag = _tag_or_404(request, tag_id)
    return _tag_setting_change(
        request,
        lambda: services.rename_tag(
            tag, name=request.POST.get("name", ""), actor=Actor.for_teammate(request.teammate)
        ),
        "The tag is renamed on every conversation that carries it.",
    )


@owners_and_admins_page(TAGS_REFUSAL)
@require_POST
def delete_tag_setting(request, tag_id: int):
    tag = _tag_or_404(request, tag_id)
    name = tag.name
    return _tag_setting_change(
        request,
        lambda: services.delete_tag(tag, actor=Actor.for_teammate(request.teammate)),
        f"Tag {name} deleted: it has left every conversation.",
    )
