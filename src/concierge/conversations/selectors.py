from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Part, SavedView, Tag
from concierge.core import search
from concierge.core.db import one_of, select, table
from concierge.core.errors import NotFound
from concierge.workspaces.models import Workspace


def inbox(
    workspace: Workspace,
    *,
    state: str | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    team_id: int | None = None,
    tag: str | None = None,
    contact_id: int | None = None,
    tag_id: int | None = None,
    priority: str | None = None,
    channel: str | None = None,
    by_due: bool = False,
    by_priority: bool = False,
    with_tags: bool = True,
) -> QuerySet[Conversation]:
    """Conversations newest activity first (with `by_due`: the answer due soonest first, those owed
    nothing last; with `by_priority`: urgent first, then high, normal, low), with what a list row
    shows loaded in a fixed number of queries (the inbox's list reads its tags' names itself:
    `tag_names_by_conversation`, `with_tags=False`)."""
    queryset = Conversation.objects.filter(workspace=workspace)
    if priority:
        queryset = queryset.filter(priority=priority)
    if channel:
        queryset = queryset.filter(channel=channel)
    if state:
        queryset = queryset.filter(state=state)
    if unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee_id is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    if team_id is not None:
        queryset = queryset.filter(team_id=team_id)
    if tag:
        queryset = queryset.filter(tags__workspace=workspace, tags__name=tag)
    if tag_id is not None:
        queryset = queryset.filter(tags__workspace=workspace, tags__id=tag_id)
    if contact_id is not None:
        queryset = queryset.filter(contact_id=contact_id)
    queryset = queryset.select_related("contact", "assignee", "team")
    if with_tags:
        queryset = queryset.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    return queryset.order_by(*_inbox_order(by_due, by_priority))


# What a list row shows (templatetags.conversation_rows.ListRow), read as values.
LIST_ROW_COLUMNS = (
    "id",
    "subject",
    "last_part_preview",
    "last_activity_at",
    "response_due_at",
    "priority",
    "state",
    "contact_id",
    "contact__name",
    "contact__email",
    "contact__external_id",
    "contact__city",
    "assignee__name",
    "team__name",
)


def list_rows_of(listed: QuerySet[Conversation]) -> QuerySet[dict]:
    """The conversations of `listed` (a page of `inbox`, already scoped to its workspace) as dicts
    of what a list row shows (LIST_ROW_COLUMNS): no Conversation, Contact, Teammate or Team made for
    each (the inbox's list reads its page this way; its tags' names: `tag_names_by_conversation`)."""
    return listed.values(*LIST_ROW_COLUMNS)


def tag_names_by_conversation(
    workspace: Workspace, conversation_ids: list[int], *, names_by_id: dict | None = None
) -> dict[int, list[str]]:
    """The tags' names of each of these conversations, in name order: the conversations' tag ids in
    one plain statement (the ORM took longer to build it than the database to answer), named from
    `names_by_id` (`tags_in_name_order`, as the inbox keeps it) or from the workspace's tags read
    now. A tag it does not know (made since) has the names read again; another workspace's tag is no
    name here."""
    if names_by_id is None:
        names_by_id = tags_in_name_order(workspace)
    condition, params = one_of("conversation_id", conversation_ids)
    pairs = select(
        f"SELECT conversation_id, tag_id FROM {table(Conversation.tags.through)} WHERE {condition}", params
    )
    if any(tag_id not in names_by_id for _, tag_id in pairs):
        names_by_id = tags_in_name_order(workspace)
    named: dict[int, list[tuple[int, str]]] = {}
    for conversation_id, tag_id in pairs:
        place_and_name = names_by_id.get(tag_id)
        if place_and_name is not None:
            named.setdefault(conversation_id, []).append(place_and_name)
    return {conversation_id: [name for _, name in sorted(tags)] for conversation_id, tags in named.items()}


# What the API's list shows of each conversation (schemas.ConversationOut), read as values; the
# contact's, assignee's and team's through the page's joins (None when there is none).
API_ROW_COLUMNS = (
    "id",
    "ref",
    "subject",
    "state",
    "priority",
    "snoozed_until",
    "channel",
    "initiator",
    "rating",
    "rating_remark",
    "first_response_at",
    "closed_at",
    "created_at",
    "last_activity_at",
    "last_part_preview",
    "contact_id",
    "contact__kind",
    "contact__name",
    "contact__email",
    "contact__external_id",
    "assignee_id",
    "assignee__name",
    "team_id",
    "team__name",
)


def api_rows_of(listed: QuerySet[Conversation]) -> QuerySet[dict]:
    """The conversations of `listed` (`inbox`, already scoped to its workspace, `with_tags=False`) as
    dicts of API_ROW_COLUMNS: no Conversation, Contact, Teammate or Team made for each (the API's list
    reads its page this way; its tags: `tags_by_conversation`)."""
    return listed.values(*API_ROW_COLUMNS)


def tags_by_conversation(workspace: Workspace, conversation_ids: list[int]) -> dict[int, list[dict]]:
    """The tags ({"id", "name"}) of each of these conversations, in name order: one query, no objects
    made (scoped by the tags' workspace: a conversation carries only its own workspace's tags)."""
    tags: dict[int, list[dict]] = {}
    rows = (
        Conversation.tags.through.objects.filter(
            conversation_id__in=conversation_ids, tag__workspace=workspace
        )
        .order_by("tag__name", "tag_id")
        .values_list("conversation_id", "tag_id", "tag__name")
    )
    for conversation_id, tag_id, name in rows:
        tags.setdefault(conversation_id, []).append({"id": tag_id, "name": name})
    return tags


PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def _inbox_order(by_due: bool, by_priority: bool = False) -> list:
    latest = ["-last_activity_at", "-id"]
    if by_priority:
        rank = Case(
            *(When(priority=name, then=Value(rank)) for name, rank in PRIORITY_RANK.items()),
            default=Value(len(PRIORITY_RANK)),
            output_field=IntegerField(),
        )
        return [rank.asc(), *latest]
    return [F("response_due_at").asc(nulls_last=True), *latest] if by_due else latest


# Search ---------------------------------------------------------------------------------------

CONVERSATION_KIND = "conversation"  # the search index's kind for conversations (services.search)
SEARCH_BATCH = 100  # hits asked of the index at a time (its most)
MAX_SEARCHED_HITS = 1000  # a search with filters looks at most this far down the ranked hits


@dataclass
class InboxSearch:
    """One page of an inbox search: conversations best match first, each with `title_html` and
    `snippet_html` (matched words in <mark>); `has_more`: a next page exists."""

    conversations: list
    has_more: bool
    corrected_query: str | None
    number: int
    per_page: int


def search_inbox(
    workspace: Workspace, query: str, *, page: int = 1, per_page: int = 50, **filters
) -> InboxSearch:
    """The conversations whose subject, messages, notes or contact's name and email hold the query's
    words (core.search), that pass the list's `filters` (those of `inbox`), best match first. The
    index ranks; the filters are applied to each batch of hits (their ids only), down to
    MAX_SEARCHED_HITS; only the page's conversations are read whole, and only their hits'
    titles and snippets are made."""
    page = max(1, page)
    wanted = page * per_page + 1
    listed = inbox(workspace, **filters)
    kept, corrected = _hits_passing(workspace, listed, query, wanted)
    start = (page - 1) * per_page
    return InboxSearch(
        conversations=_conversations_of_hits(workspace, kept[start : start + per_page]),
        has_more=len(kept) > start + per_page,
        corrected_query=corrected,
        number=page,
        per_page=per_page,
    )


def _hits_passing(
    workspace: Workspace, listed: QuerySet[Conversation], query: str, wanted: int
) -> tuple[list[search.SearchHit], str | None]:
    """The index's hits, best first, whose conversations pass the list's filters, until `wanted`
    are found or MAX_SEARCHED_HITS were looked at; and the corrected query, if any."""
    kept: list[search.SearchHit] = []
    corrected = None
    offset = 0
    while len(kept) < wanted and offset < MAX_SEARCHED_HITS:
        results = search.search_documents(
            workspace.pk,
            CONVERSATION_KIND,
            query,
            audiences=("internal",),
            limit=SEARCH_BATCH,
            offset=offset,
        )
        corrected = corrected or results.corrected_query
        if results.corrected_query and offset == 0:
            query = results.corrected_query  # the next batches search what the first one found
        hits = {hit.object_id: hit for hit in results.hits}
        passing = _passing_ids(workspace, listed, list(hits)) if hits else set()
        kept += [hit for object_id, hit in hits.items() if object_id in passing]
        if not results.has_more:
            break
        offset += SEARCH_BATCH
    return kept, corrected


def _passing_ids(workspace: Workspace, listed: QuerySet[Conversation], ids: list[int]) -> set[int]:
    """Which of these conversations pass the list's filters: each read by its id and checked against
    them, so that no database walks a filter's index (every open conversation) to find a hundred."""
    return set(
        Conversation.objects.filter(workspace=workspace, pk__in=ids)
        .filter(Exists(listed.filter(pk=OuterRef("pk"))))
        .order_by()
        .values_list("pk", flat=True)
    )


def _conversations_of_hits(workspace: Workspace, hits: list[search.SearchHit]) -> list:
    """The hits' conversations (their filters already passed) as the list shows them, in the hits'
    order, each with its hit's `title_html` and `snippet_html` (the list reads their tags itself)."""
    ids = [hit.object_id for hit in hits]
    rows = {c.pk: c for c in inbox(workspace, with_tags=False).filter(pk__in=ids).order_by()} if hits else {}
    found = []
    for hit in hits:
        conversation = rows.get(hit.object_id)
        if conversation is not None:  # deleted since its batch was filtered: left out
            conversation.title_html = hit.title_html
            conversation.snippet_html = hit.snippet_html
            found.append(conversation)
    return found


def conversation_by_id(workspace: Workspace, conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.filter(workspace=workspace, pk=conversation_id)
        .select_related("workspace", "contact", "assignee", "team", "started_by")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .first()
    )
    if conversation is None:
        raise NotFound(f"No conversation with id {conversation_id} in this workspace.")
    return conversation


def conversations_of_contact(workspace: Workspace, contact: Contact) -> QuerySet[Conversation]:
    """What the messenger lists for a contact: their conversations, newest first, each with
    `unread_count` (the team's and the bot's messages after the contact last saw it)."""
    unread = (
        _unread_messages()
        .filter(conversation=OuterRef("pk"))
        .order_by()
        .values("conversation")
        .annotate(count=Count("id"))
        .values("count")
    )
    return (
        Conversation.objects.filter(workspace=workspace, contact=contact)
        .annotate(unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
        .order_by("-created_at", "-id")
    )


def _unread_messages() -> QuerySet[Part]:
    return Part.objects.filter(
        kind__in=[Part.Kind.COMMENT, Part.Kind.BOT_ANSWER],
        author_type__in=[Part.Author.TEAMMATE, Part.Author.BOT],
    ).filter(
        Q(conversation__contact_seen_at__isnull=True) | Q(created_at__gt=F("conversation__contact_seen_at"))
    )


def unread_count_for_contact(conversation: Conversation) -> int:
    """The team's and the bot's messages the contact has not seen yet in this conversation."""
    return (
        _unread_messages().filter(workspace_id=conversation.workspace_id, conversation=conversation).count()
    )


def conversation_of_contact(workspace: Workspace, contact: Contact, conversation_id: int) -> Conversation:
    """One of the contact's own conversations; anyone else's is a NotFound."""
    conversation = (
        Conversation.objects.filter(workspace=workspace, contact=contact, pk=conversation_id)
        .select_related("workspace", "contact")
        .first()
    )
    if conversation is None:
        raise NotFound(f"No conversation with id {conversation_id} for this contact.")
    return conversation


def parts_visible_to_contact(conversation: Conversation) -> QuerySet[Part]:
    """The messages a customer sees: never internal notes, assignments, tags or other changes."""
    return (
        Part.objects.filter(
            workspace_id=conversation.workspace_id,
            conversation=conversation,
            kind__in=[Part.Kind.COMMENT, Part.Kind.BOT_ANSWER],
        )
        .select_related("author_teammate")
        .order_by("created_at", "id")
    )


def parts_of(conversation: Conversation, *, include_notes: bool = True) -> QuerySet[Part]:
    queryset = Part.objects.filter(workspace_id=conversation.workspace_id, conversation=conversation)
    if not include_notes:
        queryset = queryset.exclude(kind=Part.Kind.NOTE)
    return queryset.select_related("author_teammate").order_by("created_at", "id")


def tags(workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace).order_by("name")


def tags_in_name_order(workspace: Workspace) -> dict[int, tuple[int, str]]:
    """Each of the workspace's tags by id: its place in `tags`' order (by name, as the database
    orders names) and its name."""
    return {pk: (place, name) for place, (pk, name) in enumerate(tags(workspace).values_list("pk", "name"))}


def tags_with_use(workspace: Workspace) -> QuerySet[Tag]:
    """The workspace's tags by name, each with `conversation_count`: how many conversations carry it."""
    return tags(workspace).annotate(conversation_count=Count("conversations", distinct=True))


def tag_by_id(workspace: Workspace, tag_id: int) -> Tag:
    tag = tags(workspace).filter(pk=tag_id).first()
    if tag is None:
        raise NotFound(f"No tag with id {tag_id} in this workspace.")
    return tag


def tag_by_name(workspace: Workspace, name: str) -> Tag:
    tag = tags(workspace).filter(name=name).first()
    if tag is None:
        raise NotFound(f"No tag named '{name}' in this workspace.")
    return tag


def conversation_ids_by_ref(workspace: Workspace, refs) -> dict[str, int]:
    """The workspace's conversations named by the support log's refs (`conversation.ref`), as ids: how a
    list built from the log links to the inbox. A ref no conversation has (an imported log) is left out."""
    refs = {ref for ref in refs if ref}
    if not refs:
        return {}
    return dict(Conversation.objects.filter(workspace=workspace, ref__in=refs).values_list("ref", "id"))


def saved_views(teammate) -> QuerySet:
    """The teammate's own saved views, by name."""
    return SavedView.objects.filter(workspace_id=teammate.workspace_id, teammate=teammate).order_by(
        "name", "id"
    )


def saved_view_by_id(teammate, view_id: int):
    """One of the teammate's own views; another teammate's is a NotFound, as one that does not exist."""
    view = saved_views(teammate).filter(pk=view_id).first()
    if view is None:
        raise NotFound(f"No saved view with id {view_id}.")
    return view
