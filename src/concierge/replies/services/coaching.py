"""The reply coach's writes: a review of each sent reply, stored once; the workspace's voice."""

from django.db import transaction
from django.utils import timezone

from concierge.conversations.models import Part
from concierge.core.errors import InvalidInput
from concierge.replies.coach import coach_reply
from concierge.replies.models import CoachReview, CoachSettings
from concierge.replies.selectors.coaching import coach_voice, customer_messages_before, reply_text
from concierge.workspaces.models import Workspace
from concierge.workspaces.services.audit import Actor, record_audit


def set_coach_voice(workspace: Workspace, voice: str, *, actor: Actor) -> CoachSettings:
    """Choose the tone the coach steers replies towards; recorded in the audit trail."""
    if voice not in CoachSettings.Voice.values:
        choices = ", ".join(CoachSettings.Voice.values)
        raise InvalidInput(f"The voice must be one of {choices}.", field="voice")
    with transaction.atomic():
        before = coach_voice(workspace)
        settings, _ = CoachSettings.objects.update_or_create(
            workspace=workspace, defaults={"voice": voice, "updated_at": timezone.now()}
        )
        if before != voice:
            record_audit(
                workspace,
                "coach.voice_changed",
                actor=actor,
                target_label="Reply coach",
                changes={"voice": [before, voice]},
            )
    return settings


def review_sent_reply(part: Part) -> CoachReview | None:
    """Coach a teammate's sent reply and store what the coach said; None when the part is not a
    teammate's reply. Reviewing the same part again returns the stored review (a retried task)."""
    if part.kind != Part.Kind.COMMENT or part.author_type != Part.Author.TEAMMATE:
        return None
    conversation = part.conversation
    locale = conversation.contact.locale or conversation.workspace.locale
    voice = coach_voice(conversation.workspace)
    report = coach_reply(customer_messages_before(part), reply_text(part), locale, voice=voice)
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
                "hints": report.as_dict()["hints"],
                "voice": voice,
                "sent_at": part.created_at,
                "reviewed_at": timezone.now(),
            },
        )
    return review
