"""One row of the inbox's list, drawn in Python: fifty of them are most of the list's cost, and a
template included fifty times costs several times this (docs/inbox.md, "Speed"). What a row shows is
worked out once per page in views.prepare_rows; this only prints it, every value escaped."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def conditional_escape(value) -> str:
    """Django's conditional_escape without its lazy-string wrapper, which costs more than the
    escaping here (a row escapes a dozen values, a page fifty rows)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@register.simple_tag
def conversation_row(conversation, list_query: str = "", selected_id=None, oob: bool = False) -> str:
    pk = conversation.pk
    name = conversation.contact.display_name
    href = conditional_escape(conversation.row_url + (f"?{list_query}" if list_query else ""))
    current = ' aria-current="true"' if pk == selected_id else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 (every value below is escaped, or HTML made safe where it was built)
        f'<li id="conversation-row-{pk}" class="conversation-row"{swap}>'
        f'<input type="checkbox" class="row-select" form="bulk-form" name="ids" value="{pk}" data-row-select'
        f' aria-label="Select {conditional_escape(conversation.subject or name)}">'
        f'<a href="{href}" hx-get="{href}" hx-target="#detail-pane" hx-push-url="true"'
        f' data-conversation-id="{pk}"{current}>'
        f'<span class="row-top"><span class="row-contact">{conditional_escape(name)}</span>'
        f'<span class="row-time">{conditional_escape(conversation.row_time_html)}</span></span>'
        f"{_subject(conversation)}{_preview(conversation)}"
        f'<span class="row-meta">{_meta(conversation)}</span></a></li>'
    )


def _subject(conversation) -> str:
    title_html = getattr(conversation, "title_html", "")
    if title_html:
        return f'<span class="row-subject">{title_html}</span>'  # search's highlight, escaped when made
    if conversation.subject:
        return f'<span class="row-subject">{conditional_escape(conversation.subject)}</span>'
    return ""


def _preview(conversation) -> str:
    snippet_html = getattr(conversation, "snippet_html", "")
    if snippet_html:
        return f'<span class="row-preview row-snippet">{snippet_html}</span>'
    return f'<span class="row-preview">{conditional_escape(conversation.last_part_preview or "—")}</span>'


def _meta(conversation) -> str:
    shown = []
    if conversation.priority != "normal":
        shown.append(
            f'<span class="badge badge-priority-{conditional_escape(conversation.priority)}">'
            f"{conditional_escape(conversation.get_priority_display())}</span>"
        )
    shown.append(conditional_escape(conversation.row_due_html))
    if conversation.state != "open":
        shown.append(
            f'<span class="badge badge-{conditional_escape(conversation.state)}">'
            f"{conditional_escape(conversation.get_state_display())}</span>"
        )
    if conversation.assignee:
        shown.append(f'<span class="row-assignee">{conditional_escape(conversation.assignee.name)}</span>')
    else:
        shown.append('<span class="row-assignee muted">Unassigned</span>')
    if conversation.team:
        shown.append(f'<span class="row-team">· {conditional_escape(conversation.team.name)}</span>')
    shown.extend(f'<span class="tag">{conditional_escape(name)}</span>' for name in _tag_names(conversation))
    return " ".join(str(piece) for piece in shown if piece)


def _tag_names(conversation) -> list[str]:
    names = getattr(conversation, "row_tags", None)  # the list's, read once for the page
    return names if names is not None else [tag.name for tag in conversation.tags.all()]
