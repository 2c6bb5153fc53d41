"""Which tags count as product feedback (a team's setting, audited)."""

from django.db import transaction
from django.utils import timezone

from concierge.conversations.models import Tag
from concierge.insights.models import FeedbackTag
from concierge.insights.selectors import is_default_feedback_tag
from concierge.workspaces.services import SYSTEM, Actor, record_audit


def set_tag_product_feedback(tag: Tag, is_product_feedback: bool, *, actor: Actor = SYSTEM) -> bool:
    """Mark a tag as product feedback or not. Returns False when nothing changed."""
    if not isinstance(is_product_feedback, bool):
        raise TypeError("is_product_feedback must be True or False")
    with transaction.atomic():
        locked = Tag.objects.select_for_update().get(pk=tag.pk)  # two at once: one after the other
        setting = FeedbackTag.objects.filter(tag=locked).first()
        before = setting.is_product_feedback if setting else is_default_feedback_tag(locked.name)
        if setting is not None and setting.is_product_feedback == is_product_feedback:
            return False
        if setting is None:
            FeedbackTag.objects.create(
                workspace_id=tag.workspace_id,
                tag=locked,
                is_product_feedback=is_product_feedback,
                updated_at=timezone.now(),
            )
        else:
            setting.is_product_feedback = is_product_feedback
            setting.updated_at = timezone.now()
            setting.save(update_fields=["is_product_feedback", "updated_at"])
        record_audit(
            tag.workspace,
            "tag.product_feedback_set",
            actor=actor,
            target=locked,
            changes={"product_feedback": [before, is_product_feedback]},
        )
    return True
