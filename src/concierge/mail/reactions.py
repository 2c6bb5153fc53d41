"""How the email channel reacts to the conversations' announcements."""

from concierge.conversations.announcements import TeammateReplied
from concierge.conversations.models import Part
from concierge.mail.services.outbound import queue_reply_email


def email_the_teammates_reply(replied: TeammateReplied) -> None:
    """A teammate's reply in an email conversation goes out as an email (a task: the worker composes
    and queues it; sending is its own task, with retries). Other channels' replies change nothing."""
    part = (
        Part.objects.filter(workspace_id=replied.workspace_id, pk=replied.part_id)
        .select_related("conversation", "conversation__workspace", "author_teammate")
        .first()
    )
    if part is not None and part.conversation.channel == "email":
        queue_reply_email(part)
