"""Reading messages and their figures: sent, opened, clicked, reacted, replied (a conversation
started from it), goal met — counted from the deliveries."""

import re
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from concierge.contacts.models import Contact
from concierge.core.errors import NotFound
from concierge.outbound.models import Delivery, Message
from concierge.outbound.selectors.audience import in_audience
from concierge.workspaces.models import Workspace

FIGURES = ("sent", "opened", "clicked", "reacted", "replied", "goal_met", "pending")


def messages_of(
    workspace: Workspace,
    *,
    state: str | None = None,
    content_type: str | None = None,
    tag: str | None = None,
    include_imported: bool = True,
) -> QuerySet:
    """The workspace's messages, newest first, optionally of one state, type or tag."""
    messages = Message.objects.filter(workspace=workspace).select_related("sender")
    if state:
        messages = messages.filter(state=state)
    if content_type:
        messages = messages.filter(content_type=content_type)
    if not include_imported:
        messages = messages.filter(imported=False)
    if tag:
        # Tags are a short JSON list: filtered here rather than by each database's JSON containment.
        ids = [pk for pk, tags in messages.values_list("pk", "tags") if tag in (tags or [])]
        messages = messages.filter(pk__in=ids)
    return messages.order_by("-created_at", "-id")


def message_by_id(workspace: Workspace, message_id) -> Message:
    """The workspace's message; another workspace's (or none) is NotFound."""
    try:
        message_id = int(message_id)
    except (TypeError, ValueError):
        raise NotFound("No such message.") from None
    message = (
        Message.objects.filter(workspace=workspace, pk=message_id)
        .select_related("workspace", "sender")
        .prefetch_related("versions")
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def message_by_ref(workspace: Workspace, ref: str) -> Message | None:
    return Message.objects.filter(workspace=workspace, ref=ref).select_related("sender").first()


def messages_by_ref(workspace: Workspace, refs=None) -> dict[str, Message]:
    """The workspace's messages by the ref the log names them with (all of them, or these refs)."""
    messages = Message.objects.filter(workspace=workspace).select_related("sender")
    if refs is not None:
        messages = messages.filter(ref__in=list(refs))
    return {message.ref: message for message in messages}


def _figure_counts() -> dict:
    sent = Q(state=Delivery.State.SENT)
    return {
        "sent": Count("id", filter=sent),
        "opened": Count("id", filter=sent & Q(opened_at__isnull=False)),
        "clicked": Count("id", filter=sent & Q(clicked_at__isnull=False)),
        "reacted": Count("id", filter=sent & Q(reacted_at__isnull=False)),
        "replied": Count("id", filter=sent & Q(conversation__isnull=False)),
        "goal_met": Count("id", filter=sent & Q(goal_met_at__isnull=False)),
        "pending": Count("id", filter=Q(state=Delivery.State.PENDING)),
    }


def figures_of(message: Message) -> dict[str, int]:
    """{"sent", "opened", "clicked", "reacted", "replied", "goal_met", "pending"} for one message."""
    figures = Delivery.objects.filter(message=message).aggregate(**_figure_counts())
    return {name: figures[name] or 0 for name in FIGURES}


def figures_of_messages(workspace: Workspace, message_ids) -> dict[int, dict[str, int]]:
    """Each message's figures (the list page), in one query."""
    rows = (
        Delivery.objects.filter(workspace=workspace, message_id__in=list(message_ids))
        .values("message_id")
        .annotate(**_figure_counts())
        .order_by()
    )
    figures = {message_id: dict.fromkeys(FIGURES, 0) for message_id in message_ids}
    for row in rows:
        figures[row["message_id"]] = {name: row[name] or 0 for name in FIGURES}
    return figures


def page_matches(pattern: str, url: str) -> bool:
    """Whether a page's address matches a message's pattern: `*` stands for anything (none: the
    whole address, or its path, exactly; a trailing slash does not matter)."""
    if not pattern or url is None:
        return False
    pieces = [re.escape(piece) for piece in pattern.strip().split("*")]
    regex = re.compile(".*".join(pieces).rstrip("/") + "/?", re.IGNORECASE)
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url.strip(), flags=re.IGNORECASE) or "/"
    return any(regex.fullmatch(candidate) for candidate in (url.strip(), path, path.split("?")[0]))


def live_messages_for(
    workspace: Workspace,
    contact: Contact,
    *,
    trigger: str | None = None,
    url: str | None = None,
    content_types=None,
    at: datetime | None = None,
) -> list[Message]:
    """The live messages whose audience holds the contact now, of one trigger (and, for "page", whose
    pattern matches `url`): what the messenger may show them. Whether each may be delivered now (its
    frequency, the cap) is services.deliver's to say."""
    if contact.workspace_id != workspace.pk:
        return []
    messages = Message.objects.filter(workspace=workspace, state=Message.State.LIVE, imported=False)
    if trigger:
        messages = messages.filter(trigger=trigger)
    if content_types:
        messages = messages.filter(content_type__in=list(content_types))
    found = []
    for message in messages.select_related("workspace", "sender").prefetch_related("versions"):
        if (
            message.trigger == Message.Trigger.PAGE
            and url is not None
            and not page_matches(message.page_url, url)
        ):
            continue
        if in_audience(message, contact, at=at):
            found.append(message)
    return found
