"""The inbox's list rows, drawn in Python: fifty of them are most of the list's cost, and a template
included fifty times costs several times this (docs/inbox.md, "Speed"). What a row shows is a
`ListRow`, worked out once per page in views.list_rows from the page's values (or from one
conversation, for the row an action sends back); this only prints it, every value escaped."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from concierge.contacts.models import display_name_of
from concierge.conversations.models import Conversation

register = template.Library()

PRIORITY_LABELS = dict(Conversation.Priority.choices)
STATE_LABELS = dict(Conversation.State.choices)


class ListRow:
    """What one list row shows. `time_html`, `due_html`, `title_html` and `snippet_html` are HTML
    made (and escaped) where they were built; everything else is text, escaped when drawn."""

    __slots__ = (
        "pk",
        "subject",
        "preview",
        "last_activity_at",
        "response_due_at",
        "priority",
        "state",
        "contact_name",
        "assignee_name",
        "team_name",
        "tags",
        "url",
        "time_html",
        "due_html",
        "title_html",
        "snippet_html",
    )

    def __init__(
        self, pk, subject, preview, last_activity_at, response_due_at, priority, state, contact_name
    ):
        self.pk = pk
        self.subject = subject
        self.preview = preview
        self.last_activity_at = last_activity_at
        self.response_due_at = response_due_at
        self.priority = priority
        self.state = state
        self.contact_name = contact_name
        self.assignee_name = self.team_name = None  # None: no assignee, no team
        self.tags = ()
        self.url = self.time_html = self.due_html = self.title_html = self.snippet_html = ""

    @classmethod
    def from_values(cls, values: dict) -> "ListRow":
        """From a row of selectors.list_rows_of."""
        row = cls(
            values["id"],
            values["subject"],
            values["last_part_preview"],
            values["last_activity_at"],
            values["response_due_at"],
            values["priority"],
            values["state"],
            display_name_of(
                values["contact__name"],
                values["contact__email"],
                values["contact__external_id"],
                values["contact__city"],
                values["contact_id"],
            ),
        )
        row.assignee_name = values["assignee__name"]
        row.team_name = values["team__name"]
        return row

    @classmethod
    def from_conversation(cls, conversation) -> "ListRow":
        """From a Conversation with its contact, assignee and team (a search's hits, the row an
        action sends back), with its search highlights when it has them."""
        row = cls(
            conversation.pk,
            conversation.subject,
            conversation.last_part_preview,
            conversation.last_activity_at,
            conversation.response_due_at,
            conversation.priority,
            conversation.state,
            conversation.contact.display_name,
        )
        row.assignee_name = conversation.assignee.name if conversation.assignee else None
        row.team_name = conversation.team.name if conversation.team else None
        row.title_html = getattr(conversation, "title_html", "")
        row.snippet_html = getattr(conversation, "snippet_html", "")
        return row


def conditional_escape(value) -> str:
    """Django's conditional_escape without its lazy-string wrapper, which costs more than the
    escaping here (a row escapes a dozen values, a page fifty rows)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@register.simple_tag
def conversation_rows(rows, list_query: str = "", selected_id=None) -> str:
    """The page's rows, each as the list's template laid them out one by one."""
    return mark_safe(  # noqa: S308 (each row escapes its values: draw_row)
        "".join(f"\n    {draw_row(row, list_query, selected_id)}\n  " for row in rows)
    )


@register.simple_tag
def conversation_row(row, list_query: str = "", selected_id=None, oob: bool = False) -> str:
    return mark_safe(draw_row(row, list_query, selected_id, oob))  # noqa: S308 (escaped: draw_row)


def draw_row(row: ListRow, list_query: str = "", selected_id=None, oob: bool = False) -> str:
    pk = row.pk
    name = row.contact_name
    href = escape(row.url + (f"?{list_query}" if list_query else ""))
    current = ' aria-current="true"' if pk == selected_id else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<li id="conversation-row-{pk}" class="conversation-row"{swap}>'
        f'<input type="checkbox" class="row-select" form="bulk-form" name="ids" value="{pk}" data-row-select'
        f' aria-label="Select {escape(row.subject or name)}">'
        f'<a href="{href}" hx-get="{href}" hx-target="#detail-pane" hx-push-url="true"'
        f' data-conversation-id="{pk}"{current}>'
        f'<span class="row-top"><span class="row-contact">{escape(name)}</span>'
        f'<span class="row-time">{row.time_html}</span></span>'
        f"{_subject(row)}{_preview(row)}"
        f'<span class="row-meta">{_meta(row)}</span></a></li>'
    )


def _subject(row: ListRow) -> str:
    if row.title_html:
        return f'<span class="row-subject">{row.title_html}</span>'  # search's highlight, escaped when made
    if row.subject:
        return f'<span class="row-subject">{escape(row.subject)}</span>'
    return ""


def _preview(row: ListRow) -> str:
    if row.snippet_html:
        return f'<span class="row-preview row-snippet">{row.snippet_html}</span>'
    return f'<span class="row-preview">{escape(row.preview or "—")}</span>'


def _meta(row: ListRow) -> str:
    shown = []
    if row.priority != "normal":
        shown.append(
            f'<span class="badge badge-priority-{escape(row.priority)}">'
            f"{escape(PRIORITY_LABELS.get(row.priority, row.priority))}</span>"
        )
    if row.due_html:
        shown.append(row.due_html)
    if row.state != "open":
        shown.append(
            f'<span class="badge badge-{escape(row.state)}">{escape(STATE_LABELS.get(row.state, row.state))}</span>'
        )
    if row.assignee_name is not None:
        shown.append(f'<span class="row-assignee">{escape(row.assignee_name)}</span>')
    else:
        shown.append('<span class="row-assignee muted">Unassigned</span>')
    if row.team_name is not None:
        shown.append(f'<span class="row-team">· {escape(row.team_name)}</span>')
    shown.extend(f'<span class="tag">{escape(name)}</span>' for name in row.tags)
    return " ".join(shown)
