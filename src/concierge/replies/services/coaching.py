"""The reply coach's writes: a review of each sent reply, stored once."""

from django.db import transaction
from django.utils import timezone

from concierge.conversations.models import Part
from concierge.replies.coach import coach_reply
from concierge.replies.models import CoachReview
from concierge.replies.selectors.coaching import customer_messages_before, reply_text


def review_sent_reply(part: Part) -> CoachReview | None:
    """Coach a teammate's sent reply and store what the coach said; None when the part is not a
    teammate's reply. Reviewing the same part again returns the stored review (a retried task)."""
    if part.kind != Part.Kind.COMMENT or part.author_type != Part.Author.TEAMMATE:
        return None
    conversation = part.conversation
    locale = conversation.contact.locale or conversation.workspace.locale
    report = coach_reply(customer_messages_before(part), reply_text(part), locale)
    with transaction.atomic():
        review, _ = CoachReview.objects.get_or_create(
            part=part,
            defaults={
                "workspace_id": part.workspace_id,
                "conversation": conversation,
                "teammate_id": part.author_teammate_id,
                "locale": locale,
                "judged": report.judged,
                "restates": report.restates,
                "reasoning": report.reasoning,
                "resolution": report.resolution,
                "overpromise": report.overpromise,
                "tone": report.tone or "",
                "hints": [hint for hint in report.as_dict()["hints"]],
                "sent_at": part.created_at,
                "reviewed_at": timezone.now(),
            },
        )
    return review
