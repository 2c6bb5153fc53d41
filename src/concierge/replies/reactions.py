"""How the replies app reacts to the conversations' announcements: the coach reviews every sent reply
in the worker (a task), so a teammate's send is never slowed or blocked by it."""

from concierge.conversations.announcements import TeammateReplied
from concierge.conversations.models import Part
from concierge.core.reactions import TASK, subscribe
from concierge.replies.services.coaching import review_sent_reply


def review_the_reply(replied: TeammateReplied) -> None:
    """Runs in the worker; a reply deleted in the meantime has nothing left to review."""
    part = (
        Part.objects.filter(pk=replied.part_id, workspace_id=replied.workspace_id)
        .select_related("conversation__contact", "conversation__workspace")
        .first()
    )
    if part is not None:
        review_sent_reply(part)


def subscribe_to_announcements() -> None:
    subscribe(TeammateReplied, review_the_reply, runs=TASK)
