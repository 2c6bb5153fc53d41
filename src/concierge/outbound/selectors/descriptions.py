"""Proactive messages as the funnel report's filters read them: by tag, content type and sender, as
each message is described now (a tag added after sending counts for the earlier sends). A message's
sender is named as the log names a teammate: the sender's ref for a message written in Concierge,
the imported `sender_ref` for one known only from imported history."""

from collections.abc import Iterable

from concierge.outbound.models import Message
from concierge.workspaces.models import Workspace


def sender_ref_of(message: Message) -> str | None:
    return message.sender.ref if message.sender_id else message.sender_ref


def passes(message: Message, *, tag: str | None, content_type: str | None, sender: str | None) -> bool:
    return (
        (tag is None or tag in (message.tags or []))
        and (content_type is None or message.content_type == content_type)
        and (sender is None or sender_ref_of(message) == sender)
    )


def refs_passing(
    workspace: Workspace,
    *,
    tag: str | None = None,
    content_type: str | None = None,
    sender: str | None = None,
    among: Iterable[str] | None = None,
) -> set[str]:
    """The refs of the workspace's messages (of those `among`, when given) that pass the filters; a
    ref with no message passes none."""
    messages = Message.objects.filter(workspace=workspace)
    if among is not None:
        messages = messages.filter(ref__in=list(among))
    if content_type is not None:
        messages = messages.filter(content_type=content_type)
    messages = messages.select_related("sender").only(
        "ref", "content_type", "tags", "sender_ref", "sender__id", "sender__external_id"
    )
    return {m.ref for m in messages if passes(m, tag=tag, content_type=content_type, sender=sender)}
