"""The inbox: the conversation list with its filters, one conversation with its parts, and the actions
on it. Actions answer an HTMX request with the re-rendered conversation (and its list row, out of band);
without HTMX they redirect back, so every form also works as a plain form."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from concierge.conversations import selectors, services
from concierge.conversations.forms import (
    ROW_ID,
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
from concierge.conversations.services import bulk as bulk_services
from concierge.conversations.services import saved_views as saved_view_services
from concierge.conversations.templatetags.conversation_rows import ListRow
from concierge.conversations.templatetags.response_due import response_due_badge
from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.core.zones import babel_locale, city_name, plain_spaces
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import owners_and_admins_page, teammate_page
from concierge.workspaces.kept import kept_for
from concierge.workspaces.services import Actor

CONVERSATIONS_PER_PAGE = 50
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


# What higher floors do when the composer sends, inside the send's transaction: handler(request,
# conversation, part, as_note=...), for a send that `wants(request)`. The saved replies run the macro the
# teammate inserted; one that raises a ServiceError undoes the message too, and the composer shows its
# message. A send no handler wants is written as before (no transaction of its own around it).
_after_composer_send: list[tuple[Callable, Callable]] = []


def after_composer_send(handler: Callable, *, wants: Callable) -> None:
    """Called in AppConfig.ready by an app that acts on what the composer sends."""
    if (handler, wants) not in _after_composer_send:
        _after_composer_send.append((handler, wants))


def _send_with_handlers(request, conversation, write: Callable, *, as_note: bool) -> None:
    handlers = [handler for handler, wants in _after_composer_send if wants(request)]
    if not handlers:
        write()
        return
    with transaction.atomic():
        part = write()
        for handler in handlers:
            handler(request, conversation, part, as_note=as_note)


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
    return _listed_by(request, InboxFilterForm(query, workspace=request.workspace, teammate=request.teammate))


def _listed_by(request, form: InboxFilterForm) -> tuple[InboxFilterForm, QuerySet]:
    if not form.is_valid():
        return form, Conversation.objects.none()
    return form, selectors.inbox(request.workspace, with_tags=False, **form.selector_filters())


@dataclass
class SearchPage:
    """A page of search results, shaped as the list's pager reads a Paginator's page."""

    found: selectors.InboxSearch
    object_list: list

    number = property(lambda self: self.found.number)
    has_next = property(lambda self: self.found.has_more)
    has_previous = property(lambda self: self.found.number > 1)
    has_other_pages = property(lambda self: self.has_next or self.has_previous)
    next_page_number = property(lambda self: self.found.number + 1)
    previous_page_number = property(lambda self: self.found.number - 1)


MAX_SEARCH_PAGE = 20  # 1,000 hits: past them a search asks for more words, not more pages


def _page_number(value) -> int:
    value = (value or "1").strip()
    if value.isascii() and value.isdigit() and 0 < len(value) < 6:
        return max(1, int(value))
    return 1


# A row's words for a minute of the day and for a day, by language: the same for every page and
# every teammate of that language, so kept (a bounded cache, emptied when full) rather than made
# again on every page.
_MINUTE_WORDS: dict = {}
_DAY_WORDS: dict = {}
_MOST_WORDS_KEPT = 20_000


def _kept(cache: dict, key, make: Callable):
    words = cache.get(key)
    if words is None:
        if len(cache) >= _MOST_WORDS_KEPT:
            cache.clear()
        words = cache[key] = make()
    return words


class _RowTimes:
    """Each list row's time as `person_time` draws it ('2:05 PM' today, '3 Mar' before, the full
    form as its tooltip), for one teammate: the zone, language and city looked up once, and each
    day's and minute's words formatted once (and kept: `_kept`) instead of once per row."""

    def __init__(self, teammate):
        self.zone_name = teammate.timezone or "UTC"
        self.zone = ZoneInfo(self.zone_name)
        self.locale = teammate.locale
        self.loc = babel_locale(teammate.locale)
        self.city = city_name(self.zone_name, teammate.locale)
        self.today = timezone.now().astimezone(self.zone).date()

    def html(self, instant) -> str:
        if instant is None:
            return ""
        local = instant.astimezone(self.zone)
        date = local.date()
        hour = _kept(
            _MINUTE_WORDS,
            (self.locale, local.hour, local.minute),
            lambda: format_time(local, format="short", locale=self.loc),
        )
        with_year = date.year != self.today.year
        day = _kept(_DAY_WORDS, (self.locale, date, with_year), lambda: self._day_words(local, with_year))
        full = escape(plain_spaces(f"{day[0]}, {hour}, {self.city} time"))
        shown = escape(hour if date == self.today else day[1])
        return mark_safe(f'<time datetime="{instant.isoformat()}" title="{full}">{shown}</time>')  # noqa: S308

    def _day_words(self, local, with_year: bool) -> tuple[str, str]:
        long_day = format_date(local, format="EEEE d MMMM", locale=self.loc)
        return long_day, format_skeleton("yMMMd" if with_year else "MMMd", local, locale=self.loc)


def list_rows(request, listed, *, tags_by_id: dict | None = None) -> list[ListRow]:
    """What each list row shows, worked out in Python once per page (the row tag only prints it):
    its link, its time, its due badge, its tags' names (one query; named from `tags_by_id`, the
    workspace's tags as the filters keep them, when given). `listed`: a page of
    selectors.list_rows_of, or conversations (a search's). The list's speed is mostly this (docs/inbox.md)."""
    rows = [
        ListRow.from_values(item) if isinstance(item, dict) else ListRow.from_conversation(item)
        for item in listed
    ]
    tags = (
        selectors.tag_names_by_conversation(
            request.workspace, [row.pk for row in rows], names_by_id=tags_by_id
        )
        if rows
        else {}
    )
    for row in rows:
        row.tags = tags.get(row.pk, ())
    _show_when_and_where(request, rows)
    return rows


def conversation_row(request, conversation: Conversation) -> ListRow:
    """One conversation's list row (the row an action sends back), its tags its own (prefetched)."""
    row = ListRow.from_conversation(conversation)
    row.tags = [tag.name for tag in conversation.tags.all()]
    _show_when_and_where(request, [row])
    return row


@lru_cache(maxsize=4096)
def list_urls(slug: str) -> dict[str, str]:
    """The inbox list's own addresses in a workspace (the same for every request: worked out once)."""
    return {
        "inbox": reverse("web:inbox", args=[slug]),
        "view_save": reverse("web:inbox-view-save", args=[slug]),
        "bulk": reverse("web:inbox-bulk", args=[slug]),
    }


def _show_when_and_where(request, rows: list[ListRow]) -> None:
    times = _RowTimes(request.teammate)
    inbox_url = list_urls(request.workspace.slug)["inbox"]
    now = timezone.now()
    for row in rows:
        row.url = f"{inbox_url}{row.pk}/"
        row.time_html = times.html(row.last_activity_at)
        row.due_html = response_due_badge(row, now)


def _list_page(request, form: InboxFilterForm):
    """The page of the list to show: a Paginator's page, or a search's (SearchPage), its
    `object_list` the page's ListRows."""
    if form.is_valid() and form.query:
        found = selectors.search_inbox(
            request.workspace,
            form.query,
            page=min(_page_number(request.GET.get("page")), MAX_SEARCH_PAGE),
            per_page=CONVERSATIONS_PER_PAGE,
            **form.selector_filters(),
        )
        return SearchPage(found, list_rows(request, found.conversations, tags_by_id=form.choices.tags_by_id))
    listed = _listed_by(request, form)[1]
    page = Paginator(listed, CONVERSATIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list_rows(
        request, selectors.list_rows_of(page.object_list), tags_by_id=form.choices.tags_by_id
    )
    return page


def _conversation_list_context(request) -> dict:
    form = InboxFilterForm(request.GET, workspace=request.workspace, teammate=request.teammate)
    searching = form.is_valid() and bool(form.query)
    page = _list_page(request, form)
    notes = [(note.template, note.context(request)) for note in _header_notes]
    return {
        "filter_form": form,
        "searching": searching,
        "saved_views": _saved_views(request),
        "view_query": saved_view_services.view_query(request.GET),
        "page": page,
        "list_query": _list_query(request).urlencode(),
        "list_urls": list_urls(request.workspace.slug),
        "header_notes": [(template, note) for template, note in notes if note is not None],
    }


def _saved_views(request) -> tuple:
    """The teammate's saved views: audited set-up, so kept per process (workspaces.kept)."""
    teammate = request.teammate
    return kept_for(
        request.workspace, ("inbox.saved_views", teammate.pk), lambda: tuple(selectors.saved_views(teammate))
    )


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
    parts = list(selectors.parts_of(conversation))
    return {
        "conversation": conversation,
        "row": conversation_row(request, conversation),  # its list row, when an action sends it back
        "parts": parts,
        "seen_part_id": _last_reply_seen(conversation, parts),
        "teammates": teammates,
        "teams": list(workspace_selectors.teams(request.workspace)),
        "known_tags": list(selectors.tags(request.workspace)),
        "snooze_presets": snooze_presets(request.teammate.timezone, request.teammate.locale),
        "priorities": Conversation.Priority.choices,
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


def _last_reply_seen(conversation: Conversation, parts: list) -> int | None:
    """The team's last reply, when the customer has seen it: "Seen" shows under it."""
    seen_at = conversation.contact_seen_at
    replies = [p for p in parts if p.kind == "comment" and p.author_type == "teammate"]
    if seen_at is None or not replies or replies[-1].created_at > seen_at:
        return None
    return replies[-1].pk


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

        def write():
            if not readers:
                return services.reply_as_teammate(conversation, request.teammate, body, keep_html=False)
            with transaction.atomic():  # a field refused undoes the reply
                data = {}
                for read in readers:
                    data.update(read(request, conversation) or {})
                return services.reply_as_teammate(
                    conversation, request.teammate, body, keep_html=False, data=data or None
                )

        _send_with_handlers(request, conversation, write, as_note=False)

    return _run_action(request, conversation_id, "compose", send)


@require_POST
@teammate_page
def note(request, conversation_id: int):
    def write(conversation):
        if request.FILES:
            raise InvalidInput("Files go with a reply; an internal note carries none.", field="attachments")
        body = message_from_composer(request.POST.get("body"))
        _send_with_handlers(
            request,
            conversation,
            lambda: services.add_note(conversation, request.teammate, body, keep_html=False),
            as_note=True,
        )

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


@require_POST
@teammate_page
def set_priority(request, conversation_id: int):
    def change(conversation):
        services.set_conversation_priority(
            conversation, (request.POST.get("priority") or "").strip(), teammate=request.teammate
        )

    return _run_action(request, conversation_id, "priority", change)


# ---------- Bulk actions on a selection of the list ----------


def _ids_from_form(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        value = value.strip()
        if not ROW_ID.fullmatch(value):
            raise InvalidInput(f"'{value[:20]}' is not a conversation id: nothing was changed.", field="ids")
        ids.append(int(value))
    return ids


def _bulk_inputs(request) -> dict:
    """The chosen action's input, checked before any conversation changes."""
    action = request.POST.get("action", "")
    inputs = {}
    if action == "assign":
        value = request.POST.get("assignee", "")
        inputs["assignee"] = (
            request.teammate if value == "me" else assignee_from_form(request.workspace, value)
        )
    elif action == "tag":
        name = (request.POST.get("tag") or "").strip()
        if not name:
            raise InvalidInput("Name the tag to add.", field="tag")
        inputs["tag"] = services.tag_for_name(
            request.workspace, name, actor=Actor.for_teammate(request.teammate)
        )
    elif action == "snooze":
        chosen = request.POST.get("until_preset") or request.POST.get("until")
        inputs["until"] = snooze_until_from_text(chosen, request.teammate.timezone)
    return inputs


@require_POST
@teammate_page
def bulk(request):
    """Apply one action to the selected rows; answers with the list as it now is and a summary
    ("12 closed, 1 already closed"), or the list with the refusal when nothing could be done."""
    error, summary = None, None
    try:
        ids = _ids_from_form(request.POST.getlist("ids"))
        bulk_services.conversations_for_bulk(request.workspace, ids)  # every id, before anything changes
        if request.POST.get("action", "") not in bulk_services.ACTIONS:
            raise InvalidInput("Choose what to do with the selection.", field="action")
        inputs = _bulk_inputs(request)
        outcome = bulk_services.apply_in_bulk(
            request.workspace, ids, request.POST.get("action", ""), teammate=request.teammate, **inputs
        )
        summary = outcome.summary
    except ServiceError as exc:
        error = exc
    if not request.htmx:
        if error is not None:
            messages.error(request, error.message)
        else:
            messages.success(request, summary)
        return redirect(
            f"{reverse('web:inbox', args=[request.workspace.slug])}?{_list_query(request).urlencode()}"
        )
    request.GET = _list_query(request)  # the list the teammate is looking at, as it now is
    context = _conversation_list_context(request)
    context.update(bulk_summary=summary, bulk_error=error)
    status = error.status_code if error is not None else 200
    return _vary_on_htmx(render(request, "conversations/_list.html", context, status=status))


# ---------- Saved views: a teammate's own named lists ----------


def _view_or_404(request, view_id: int):
    try:
        return selectors.saved_view_by_id(request.teammate, view_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back_to_inbox(request, query: str = ""):
    url = reverse("web:inbox", args=[request.workspace.slug])
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@teammate_page
def save_view(request):
    """Save the list's current filters and search (the form's hidden `query`) under a name."""
    query = QueryDict(request.POST.get("query", "")[:2000])
    try:
        view = saved_view_services.save_view(request.teammate, request.POST.get("name"), query)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _back_to_inbox(request, saved_view_services.view_query(query))
    messages.success(request, f"View '{view.name}' saved.")
    return _back_to_inbox(request, view.query)


@teammate_page
def open_view(request, view_id: int):
    view = _view_or_404(request, view_id)
    return _back_to_inbox(request, view.query)


@require_POST
@teammate_page
def rename_view(request, view_id: int):
    view = _view_or_404(request, view_id)
    try:
        saved_view_services.rename_view(view, request.teammate, request.POST.get("name"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"View renamed to '{view.name}'.")
    return _back_to_inbox(request, view.query)


@require_POST
@teammate_page
def delete_view(request, view_id: int):
    view = _view_or_404(request, view_id)
    name = view.name
    saved_view_services.delete_view(view, request.teammate)
    messages.success(request, f"View '{name}' deleted.")
    return _back_to_inbox(request)
