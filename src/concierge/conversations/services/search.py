"""Keeping the search index (core.search) in step with conversations: a conversation is one document
of kind "conversation", for teammates only (audience "internal"): its subject as the title, the
contact's name and email as the headings (weighed next to the title), and its messages and internal
notes as the body. Indexed in the transaction of the change that altered its text (conversations.
reactions), so a search finds a reply from the moment it is sent (docs/inbox.md)."""

import html
import re
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from django.utils.html import strip_tags

from concierge.conversations.models import Conversation, Part
from concierge.conversations.selectors import CONVERSATION_KIND
from concierge.core import search

TEXT_KINDS = (Part.Kind.COMMENT, Part.Kind.NOTE, Part.Kind.BOT_ANSWER)
MAX_BODY_CHARACTERS = 200_000  # a conversation longer than a novel is searched by its first pages
BATCH = 500


def search_document(conversation: Conversation, parts: Iterable[Part]) -> search.SearchDocument:
    """The conversation as the index holds it; `parts`: its messages and notes, in order."""
    contact = conversation.contact
    body, length = [], 0
    for part in parts:
        text = html.unescape(strip_tags(part.body)).replace("\x00", "")
        body.append(text)
        length += len(text) + 1
        if length > MAX_BODY_CHARACTERS:
            break
    locale = (contact.locale or conversation.workspace.locale or "en")[:16]
    return search.SearchDocument(
        workspace_id=conversation.workspace_id,
        kind=CONVERSATION_KIND,
        object_id=conversation.pk,
        locale=locale,
        title=conversation.subject.replace("\x00", ""),
        # The email also as its words: PostgreSQL's parser keeps "dana@globex.test" as one token.
        headings="\n".join(
            v for v in (contact.name, contact.email, re.sub(r"[@._+-]", " ", contact.email)) if v
        ).replace("\x00", ""),
        body="\n".join(body)[:MAX_BODY_CHARACTERS],
        audience="internal",
    )


def _with_text(queryset) -> Iterator[search.SearchDocument]:
    text_parts = (
        Part.objects.filter(kind__in=TEXT_KINDS).only("conversation_id", "body").order_by("created_at", "id")
    )
    conversations = (
        queryset.select_related("contact", "workspace")
        .only(
            "id",
            "workspace_id",
            "subject",
            "workspace__locale",
            "contact__name",
            "contact__email",
            "contact__locale",
        )
        .prefetch_related(Prefetch("parts", queryset=text_parts, to_attr="text_parts"))
        .order_by("id")
    )
    for conversation in conversations:
        yield search_document(conversation, conversation.text_parts)


def index_conversations(conversation_ids: Iterable[int]) -> int:
    """Index (again) these conversations' text; call inside the change's transaction. Returns how
    many were indexed (an id no conversation has is no matter)."""
    ids = sorted(set(conversation_ids))
    indexed = 0
    for start in range(0, len(ids), BATCH):
        documents = list(_with_text(Conversation.objects.filter(pk__in=ids[start : start + BATCH])))
        search.index_documents(documents)
        indexed += len(documents)
    return indexed


def index_workspace_conversations(workspace_id: int, *, on_progress=None) -> int:
    """Index every conversation of a workspace, in batches (a backfill: `reindex_search`)."""
    ids = list(
        Conversation.objects.filter(workspace_id=workspace_id).order_by("id").values_list("id", flat=True)
    )
    done = 0
    for start in range(0, len(ids), BATCH):
        done += index_conversations(ids[start : start + BATCH])
        if on_progress is not None:
            on_progress(done, len(ids))
    return done


def conversation_documents(workspace_id: int) -> Iterator[search.SearchDocument]:
    """Every conversation of a workspace as a search document (core.search.register_source)."""
    return _with_text(Conversation.objects.filter(workspace_id=workspace_id))
