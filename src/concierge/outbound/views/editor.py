"""The message editor: type, content per language with a live preview, the audience's rules with
their size before sending, when it is sent, how often, the goal, the sender and the tags. The form
is read by outbound.forms; the services judge it, and a refusal shows its message and writes nothing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from concierge.core.errors import InvalidInput, ServiceError
from concierge.core.zones import CUSTOMER_LANGUAGES
from concierge.outbound import forms
from concierge.outbound.models import Message
from concierge.outbound.personalisation import check_personalisation
from concierge.outbound.selectors.audience import audience_size
from concierge.outbound.services.messages import create_message, update_message
from concierge.outbound.views.common import example_contact, message_or_404, number, render_version
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import teammate_page
from concierge.workspaces.services import Actor

CONTENT_TYPES = (
    ("chat", "Chat", "a message from the sender in the messenger"),
    ("post", "Post", "an announcement card, opened full"),
    ("banner", "Banner", "a strip across the top of your site, dismissible"),
    ("tooltip_group", "Tooltips", "hints pinned to parts of your site's page"),
    ("email", "Email", "sent from your mail settings, with an unsubscribe link"),
)
TRIGGERS = (
    ("now", "As soon as it goes live"),
    ("schedule", "On a schedule"),
    ("page", "When they visit a page"),
    ("event", "When their product tracks an event"),
)


def _active_teammates(workspace) -> list:
    return [t for t in workspace_selectors.teammates(workspace) if t.is_active]


def _values_of(message: Message | None, post=None, default_locale: str = "en") -> dict:
    """What the editor's fields show: what was posted (after a refusal), else the message, else blanks."""
    if post is not None:
        values = {key: post.get(key, "") for key in post}
        values["rows"] = [
            {
                "locale": post.get(f"locale_{i}", ""),
                "subject": post.get(f"subject_{i}", ""),
                "body": post.get(f"body_{i}", ""),
                "tooltips": post.get(f"tooltips_{i}", ""),
            }
            for i in range(forms.MAX_VERSION_ROWS + 1)
            if any(post.get(f"{name}_{i}") for name in ("locale", "subject", "body", "tooltips"))
        ]
        values["rule_rows"] = forms.posted_rule_rows(post)
        for flag in ("office_hours_only", "overrides_cap", "stop_when_goal_met"):
            values[flag] = bool(post.get(flag))
        return values
    if message is None:
        return {
            "content_type": "chat",
            "trigger": "now",
            "audience_kind": "users",
            "audience_mode": "dynamic",
            "match": "all",
            "schedule_zone": "contact",
            "repeat": "once",
            "max_per_contact": "1",
            "min_gap_days": "0",
            "goal_days": "7",
            "rows": [
                {
                    "locale": default_locale,
                    "subject": "",
                    "body": "Hi {{first_name|there}},\n\n",
                    "tooltips": "",
                }
            ],
            "rule_rows": [],
        }
    return {
        "name": message.name,
        "content_type": message.content_type,
        "sender": str(message.sender_id or ""),
        "tags": ", ".join(message.tags or []),
        "match": (message.audience or {}).get("match", "all"),
        "audience_kind": message.audience_kind,
        "audience_mode": message.audience_mode,
        "trigger": message.trigger,
        "page_url": message.page_url,
        "page_seconds": str(message.page_seconds or ""),
        "event_name": message.event_name,
        "schedule_on": message.schedule_on.isoformat() if message.schedule_on else "",
        "schedule_time": message.schedule_time.strftime("%H:%M") if message.schedule_time else "",
        "schedule_zone": message.schedule_zone,
        "repeat": message.repeat,
        "repeat_until": message.repeat_until.isoformat() if message.repeat_until else "",
        "office_hours_only": message.office_hours_only,
        "max_per_contact": str(message.max_per_contact),
        "min_gap_days": str(message.min_gap_days),
        "overrides_cap": message.overrides_cap,
        "goal_kind": message.goal_kind,
        "goal_name": message.goal_name,
        "goal_value": "" if message.goal_value is None else str(message.goal_value),
        "goal_days": str(message.goal_days),
        "stop_when_goal_met": message.stop_when_goal_met,
        "rows": [
            {
                "locale": v.locale,
                "subject": v.subject,
                "body": v.body,
                "tooltips": forms.tooltips_as_text(v.tooltips),
            }
            for v in message.versions.all()
        ],
        "rule_rows": forms.rule_rows(message.audience),
    }


def _preview_of(request, values: dict, index: int) -> tuple:
    """The live preview of version row `index`, for the example contact: (rendered or None, error)."""
    rows = values["rows"]
    if index >= len(rows):
        return None, ""
    row = rows[index]
    try:
        tooltips = forms.read_tooltips(row["tooltips"], index + 1)
        for text, field in (
            (row["subject"], "subject"),
            (row["body"], "body"),
            *((t["body"], "tooltips") for t in tooltips),
        ):
            check_personalisation(text, field=field)
    except InvalidInput as error:
        return None, error.message
    sender = _sender_of(request, values.get("sender") or "")
    return (
        render_version(
            content_type=values.get("content_type") or "chat",
            locale=row["locale"] or "en",
            subject=row["subject"],
            body=row["body"],
            tooltips=tooltips,
            contact=example_contact(request.workspace),
            sender=sender or request.teammate,
            workspace=request.workspace,
        ),
        "",
    )


def _sender_of(request, value: str):
    wanted = number(value)
    return next((t for t in _active_teammates(request.workspace) if t.pk == wanted), None)


def _size_of(request, audience: dict, kind: str) -> tuple[int | None, str]:
    """How many contacts the audience matches now, or why it cannot be counted."""
    try:
        return audience_size(request.workspace, audience, kind=kind or "everyone"), ""
    except InvalidInput as error:
        return None, error.message


def _audience_of(request, message: Message | None, post) -> tuple[dict, str]:
    """The audience the editor shows: as posted, else the message's, else everyone; and its kind."""
    if post is not None:
        return forms.read_audience(post), post.get("audience_kind") or "everyone"
    if message is not None:
        return message.audience, message.audience_kind
    return {"match": "all", "rules": []}, "users"


def _posted_size(request, post) -> tuple[int | None, str]:
    try:
        audience, kind = _audience_of(request, None, post)
    except InvalidInput as error:
        return None, error.message
    return _size_of(request, audience, kind)


def _editor(request, message: Message | None, *, error: ServiceError | None = None, status: int = 200):
    post = request.POST if error is not None else None
    values = _values_of(message, post, request.workspace.locale or "en")
    previews = [_preview_of(request, values, index) for index in range(len(values["rows"]))]
    size, size_error = None, ""
    if message is None or not message.imported:
        size, size_error = (
            _posted_size(request, post)
            if post is not None
            else _size_of(request, *_audience_of(request, message, None))
        )
    context = {
        "section": "outbound",
        "message": message,
        "edit": values,
        "rows": list(zip(range(len(values["rows"])), values["rows"], previews, strict=True)),
        "new_row": len(values["rows"]),
        "error": error,
        "content_types": CONTENT_TYPES,
        "triggers": TRIGGERS,
        "teammates": _active_teammates(request.workspace),
        "languages": CUSTOMER_LANGUAGES,
        "rule_subjects": forms.RULE_SUBJECTS,
        "rule_operators": forms.RULE_OPERATORS,
        "audience_count": size,
        "audience_error": size_error,
        "kinds": (("users", "Users"), ("leads", "Leads"), ("everyone", "Users and leads")),
        "repeats": Message.Repeat.choices,
    }
    return render(request, "outbound/editor.html", context, status=status)


@teammate_page
def message_new(request):
    if request.method != "POST":
        return _editor(request, None)
    try:
        fields = forms.read_message(request.POST, teammates=_active_teammates(request.workspace))
        message = create_message(request.workspace, actor=Actor.for_teammate(request.teammate), **fields)
    except ServiceError as error:
        return _editor(request, None, error=error, status=error.status_code)
    messages.success(request, f"Message “{message}” saved as a draft.")
    return redirect("web:outbound-message", request.workspace.slug, message.pk)


@teammate_page
def message_edit(request, message_id: int):
    message = message_or_404(request, message_id)
    if request.method != "POST":
        return _editor(request, message)
    try:
        fields = forms.read_message(
            request.POST,
            teammates=_active_teammates(request.workspace),
            description_only=message.imported or message.state == Message.State.STOPPED,
        )
        update_message(message, actor=Actor.for_teammate(request.teammate), **fields)
    except ServiceError as error:
        return _editor(request, message, error=error, status=error.status_code)
    messages.success(request, "Saved.")
    return redirect("web:outbound-message", request.workspace.slug, message.pk)


@require_POST
@teammate_page
def live_preview(request):
    """The editor's live preview of the language row named by `row`, as the content type shows it."""
    index = number(request.POST.get("row") or "") or 0
    values = _values_of(None, request.POST)
    # The posted rows are the non-empty ones; find the one asked for by its field names.
    rows = {
        i: {name: request.POST.get(f"{name}_{i}", "") for name in ("locale", "subject", "body", "tooltips")}
        for i in range(forms.MAX_VERSION_ROWS + 1)
    }
    values["rows"] = [rows.get(index if index <= forms.MAX_VERSION_ROWS else 0)]
    rendered, error = _preview_of(request, values, 0)
    return render(request, "outbound/_preview.html", {"rendered": rendered, "preview_error": error})


@require_POST
@teammate_page
def audience_count(request):
    """How many contacts the audience being built matches now (the editor asks as the rules change)."""
    size, error = _posted_size(request, request.POST)
    return render(
        request,
        "outbound/_audience_size.html",
        {"audience_count": size, "audience_error": error},
        status=422 if error else 200,
    )


@require_GET
@teammate_page
def rule_row(request):
    return render(
        request,
        "outbound/_rule_row.html",
        {"row": {}, "rule_subjects": forms.RULE_SUBJECTS, "rule_operators": forms.RULE_OPERATORS},
    )
