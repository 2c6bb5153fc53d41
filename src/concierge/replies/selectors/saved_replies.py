"""Saved replies' reads, the workspace first and the teammate second: a teammate sees the workspace's
shared replies, their teams' replies and their own personal ones. Anything else — another team's
reply, another teammate's personal one, another workspace's — is a 404, as if it were not there."""

from django.core import signing
from django.db.models import Prefetch, Q, QuerySet

from concierge.core import search
from concierge.core.errors import NotFound
from concierge.replies.models import SavedReply, SavedReplyAttachment, SavedReplyFolder, SavedReplyVersion
from concierge.workspaces.models import Teammate, Workspace

SAVED_REPLY_KIND = "saved_reply"


def _visibility(teammate: Teammate) -> Q:
    return (
        Q(visibility=SavedReply.Visibility.WORKSPACE)
        | Q(visibility=SavedReply.Visibility.TEAM, team__members=teammate)
        | Q(visibility=SavedReply.Visibility.PERSONAL, owner=teammate)
    )


def visible_saved_replies(workspace: Workspace, teammate: Teammate | None) -> QuerySet[SavedReply]:
    """The replies `teammate` may see and use (None: every reply of the workspace — an owner's API
    key, the system)."""
    replies = SavedReply.objects.filter(workspace=workspace)
    if teammate is not None:
        replies = replies.filter(_visibility(teammate)).distinct()
    return replies.select_related("folder", "team", "owner").prefetch_related(
        Prefetch("versions", queryset=SavedReplyVersion.objects.order_by("locale"))
    )


def is_visible_to(reply: SavedReply, teammate: Teammate) -> bool:
    if reply.workspace_id != teammate.workspace_id:
        return False
    if reply.visibility == SavedReply.Visibility.WORKSPACE:
        return True
    if reply.visibility == SavedReply.Visibility.PERSONAL:
        return reply.owner_id == teammate.pk
    return teammate.teams.filter(pk=reply.team_id).exists()


def can_change_saved_reply(reply: SavedReply, teammate: Teammate) -> bool:
    """Who may change a reply: anyone who sees a shared one; a team's members and the admins a team's
    one; only its owner a personal one."""
    if reply.visibility == SavedReply.Visibility.TEAM and teammate.role in (
        Teammate.Role.OWNER,
        Teammate.Role.ADMIN,
    ):
        return reply.workspace_id == teammate.workspace_id
    return is_visible_to(reply, teammate)


def saved_reply_by_id(workspace: Workspace, teammate: Teammate | None, reply_id) -> SavedReply:
    """One reply `teammate` may see; NotFound otherwise (another team's, someone's personal one, another
    workspace's, a malformed id)."""
    if isinstance(reply_id, str) and reply_id.isascii() and reply_id.isdigit():
        reply_id = int(reply_id)
    if type(reply_id) is not int or not 0 < reply_id < 2**63:
        raise NotFound("No such saved reply.")
    reply = visible_saved_replies(workspace, teammate).filter(pk=reply_id).first()
    if reply is None:
        raise NotFound("No such saved reply.")
    return reply


def saved_replies_list(
    workspace: Workspace,
    teammate: Teammate | None,
    *,
    query: str = "",
    folder_id: int | None = None,
    prefix: bool = False,
    limit: int = 200,
) -> list[SavedReply]:
    """The replies `teammate` sees, in a folder (0: outside any) or all, matching `query` (core.search
    over their titles and texts, typo-tolerant, best first; a title that starts with the query first
    of all), else by title."""
    replies = visible_saved_replies(workspace, teammate)
    if folder_id == 0:
        replies = replies.filter(folder__isnull=True)
    elif folder_id is not None:
        replies = replies.filter(folder_id=folder_id)
    query = (query or "").strip()
    if not query:
        return list(replies.order_by("title", "id")[:limit])
    results = search.search_documents(
        workspace.pk, SAVED_REPLY_KIND, query, audiences=("internal",), prefix=prefix, limit=100
    )
    version_ids = [hit.object_id for hit in results.hits]
    reply_of = dict(
        SavedReplyVersion.objects.filter(workspace=workspace, pk__in=version_ids).values_list(
            "pk", "saved_reply_id"
        )
    )
    ranked = list(dict.fromkeys(reply_of[pk] for pk in version_ids if pk in reply_of))
    folded = search.fold(query)
    by_title = list(
        replies.filter(title__icontains=query).order_by("title").values_list("pk", flat=True)[:limit]
    )
    order = list(dict.fromkeys([pk for pk in by_title if pk] + ranked))
    found = {reply.pk: reply for reply in replies.filter(pk__in=order)}
    chosen = [found[pk] for pk in order if pk in found]
    chosen.sort(key=lambda reply: not search.fold(reply.title).startswith(folded))  # stable
    return chosen[:limit]


def version_for(
    reply: SavedReply, locale: str | None, default_locale: str | None
) -> SavedReplyVersion | None:
    """The reply's text in `locale` ("es-MX" finds "es" too), else in the workspace's default, else the
    first there is."""
    versions = list(reply.versions.all())
    if not versions:
        return None
    by_locale = {version.locale.lower().replace("_", "-"): version for version in versions}
    for wanted in (locale, default_locale):
        if not wanted:
            continue
        wanted = wanted.lower().replace("_", "-")
        if wanted in by_locale:
            return by_locale[wanted]
        base = wanted.split("-")[0]
        if base in by_locale:
            return by_locale[base]
        for name, version in by_locale.items():
            if name.split("-")[0] == base:
                return version
    return versions[0]


def folders(workspace: Workspace) -> QuerySet[SavedReplyFolder]:
    return SavedReplyFolder.objects.filter(workspace=workspace).order_by("name")


def folder_by_id(workspace: Workspace, folder_id) -> SavedReplyFolder:
    if isinstance(folder_id, str) and folder_id.isascii() and folder_id.isdigit():
        folder_id = int(folder_id)
    if type(folder_id) is not int or not 0 < folder_id < 2**63:
        raise NotFound("No such folder.")
    folder = SavedReplyFolder.objects.filter(workspace=workspace, pk=folder_id).first()
    if folder is None:
        raise NotFound("No such folder.")
    return folder


def most_used(workspace: Workspace, teammate: Teammate | None, *, limit: int = 8) -> list[SavedReply]:
    return list(visible_saved_replies(workspace, teammate).order_by("-usage_count", "title")[:limit])


def search_documents_of(workspace_id: int):
    """Every version of the workspace's replies as core.search indexes it (registered as a source, so
    the index can be rebuilt)."""
    versions = SavedReplyVersion.objects.filter(workspace_id=workspace_id).select_related("saved_reply")
    for version in versions:
        yield search.SearchDocument(
            workspace_id=workspace_id,
            kind=SAVED_REPLY_KIND,
            object_id=version.pk,
            locale=version.locale,
            title=version.saved_reply.title,
            headings="",
            body=search.plain_text(version.body),
            audience="internal",
        )


def attachment_of_file_link(token: str, salt: str) -> SavedReplyAttachment | None:
    """The saved reply's file a signed link names, while it is kept; None for a link that was not
    made here or a file removed since."""
    try:
        workspace_id, attachment_id = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (type(workspace_id) is int and type(attachment_id) is int):
        return None
    return SavedReplyAttachment.objects.filter(workspace_id=workspace_id, pk=attachment_id).first()


def shared_with_workspace(workspace: Workspace) -> QuerySet[SavedReply]:
    """The replies every teammate may use: the ones a routing rule may send."""
    return SavedReply.objects.filter(workspace=workspace, visibility=SavedReply.Visibility.WORKSPACE)


def rule_choices(workspace: Workspace) -> list[tuple[int, str]]:
    return list(shared_with_workspace(workspace).order_by("title", "id").values_list("pk", "title"))


def sender_for_a_rule(conversation, reply: SavedReply) -> Teammate | None:
    """Who a rule's saved reply is sent as: the conversation's assignee, else the teammate who wrote
    the saved reply, else the workspace's first owner — someone active who can answer the customer."""
    for candidate in (conversation.assignee, reply.owner):
        if candidate is not None and candidate.is_active:
            return candidate
    return (
        Teammate.objects.filter(workspace_id=conversation.workspace_id, role="owner", is_active=True)
        .order_by("id")
        .first()
    )
