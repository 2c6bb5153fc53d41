"""The list row's flag for an answer that is due soon or overdue (Conversation.response_due_at)."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()

# How early a row warns that its answer is about to be due.
DUE_SOON = timedelta(minutes=30)


def due_state(conversation, now) -> str | None:
    """'breached' once the answer is overdue, 'soon' within DUE_SOON of it, else None."""
    due = conversation.response_due_at
    if due is None or conversation.state == "closed":
        return None
    if due <= now:
        return "breached"
    return "soon" if due - now <= DUE_SOON else None


@register.simple_tag
def response_due_badge(conversation, now=None):
    """The badge, or "" (`now`: one instant for a whole list's rows)."""
    now = now or timezone.now()
    state = due_state(conversation, now)
    if state is None:
        return ""
    minutes = int(abs((conversation.response_due_at - now).total_seconds()) // 60)  # a number: safe
    if state == "breached":
        return mark_safe(  # noqa: S308
            f'<span class="badge badge-overdue" title="The answer was due {minutes} min ago">Overdue</span>'
        )
    return mark_safe(  # noqa: S308
        f'<span class="badge badge-due-soon" title="The answer is due in {minutes} min">Due in {minutes} min</span>'
    )
