"""How the email channel reacts to the conversations' announcements."""

from concierge.conversations.announcements import TeammateReplied
from concierge.conversations.models import Part
from concierge.mail.services.offline import schedule_unseen_reply_email
from concierge.mail.services.outbound import queue_reply_email


def email_the_teammates_reply(replied: TeammateReplied) -> None:
    """A teammate's reply in an email conversation goes out as an email (a task: the worker composes
    and queues it; sending is its own task, with retries). In a messenger conversation, the reply goes
    by email later only if the customer has not seen it by then (mail.services.offline). One
    subscriber for both, so a reply costs the inbox one queued task, not two."""
    part = (
        Part.objects.filter(workspace_id=replied.workspace_id, pk=replied.part_id)
        .select_related("conversation", "conversation__workspace", "conversation__contact", "author_teammate")
        .first()
    )
    if part is None:
        return
    if part.conversation.channel == "email":
        queue_reply_email(part)
    else:
        schedule_unseen_reply_email(part)
