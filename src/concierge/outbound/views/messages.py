"""The proactive messages' list with each message's figures, a message's page (its figures over
time as a chart, who it reaches, when and how often), and its state changes (go live, pause, stop)."""

from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from concierge.core.errors import ServiceError
from concierge.core.zones import babel_locale
from concierge.outbound import forms, selectors
from concierge.outbound.charts import SERIES, figures_chart
from concierge.outbound.models import Message
from concierge.outbound.selectors.audience import audience_size
from concierge.outbound.selectors.daily import chart_days, daily_figures
from concierge.outbound.services.messages import TRANSITIONS, set_state
from concierge.outbound.views.common import message_or_404
from concierge.outbound.views.editor import CONTENT_TYPES, TRIGGERS
from concierge.workspaces.access import teammate_page
from concierge.workspaces.services import Actor

STATE_FILTERS = ("", *Message.State.values)
MAX_LISTED = 200
TYPE_LABELS = {value: label for value, label, _ in CONTENT_TYPES}
# What a state-change button says, by the state it moves the message to.
STATE_ACTIONS = {
    Message.State.LIVE: "Go live",
    Message.State.SCHEDULED: "Schedule",
    Message.State.PAUSED: "Pause",
    Message.State.DRAFT: "Back to draft",
    Message.State.STOPPED: "Stop for good",
}


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else ""


def figure_rows(figures: dict) -> list[dict]:
    """The figures in the order every page shows them, each with its share of those sent."""
    sent = figures.get("sent", 0)
    return [
        {
            "key": key,
            "label": label,
            "value": figures.get(key, 0),
            "share": _share(figures.get(key, 0), sent) if key != "sent" and figures.get(key) else "",
        }
        for key, label, _ in SERIES
    ]


@require_GET
@teammate_page
def messages_page(request):
    state = request.GET.get("state") or ""
    kind = request.GET.get("type") or ""
    status, error = 200, ""
    if state not in STATE_FILTERS:
        state, status, error = "", 400, "No such state: choose one from the list."
    if kind and kind not in TYPE_LABELS:
        kind, status, error = "", 400, "No such type: choose one from the list."
    listed = selectors.messages_of(request.workspace, state=state or None, content_type=kind or None)
    listed = list(listed[:MAX_LISTED])
    figures = selectors.figures_of_messages(request.workspace, [message.pk for message in listed])
    rows = [
        {
            "message": message,
            "type_label": TYPE_LABELS.get(message.content_type, message.content_type),
            "figures": figure_rows(figures[message.pk]),
        }
        for message in listed
    ]
    return render(
        request,
        "outbound/messages.html",
        {
            "section": "outbound",
            "rows": rows,
            "state": state,
            "type": kind,
            "states": Message.State.choices,
            "content_types": CONTENT_TYPES,
            "type_labels": TYPE_LABELS,
            "series": SERIES,
            "error": error,
        },
        status=status,
    )


def _page(request, message: Message, *, error: ServiceError | None = None, status: int = 200):
    zone = ZoneInfo(request.workspace.timezone)
    today = timezone.now().astimezone(zone).date()
    first, last = chart_days(message, today, zone)
    locale = babel_locale(request.teammate.locale)
    daily = daily_figures(message, first, last, zone)
    chart = figures_chart(daily, day_label=lambda day: format_skeleton("MMMd", day, locale=locale))
    audience = message.audience or {}
    context = {
        "section": "outbound",
        "message": message,
        "type_label": TYPE_LABELS.get(message.content_type, message.content_type),
        "trigger_label": dict(TRIGGERS).get(message.trigger, message.trigger),
        "figures": figure_rows(selectors.figures_of(message)),
        "chart": chart,
        "chart_rows": [{"day": row["day"], "values": [row[key] for key, _, _ in SERIES]} for row in daily],
        "first": first,
        "last": last,
        "rules": [forms.describe_rule(rule) for rule in audience.get("rules", [])],
        "match": audience.get("match", "all"),
        "audience_count": None
        if message.imported
        else audience_size(request.workspace, audience, kind=message.audience_kind),
        "versions": list(message.versions.all()),
        "actions": []
        if message.imported
        else [
            (state, STATE_ACTIONS[state])
            for state in (
                Message.State.LIVE,
                Message.State.SCHEDULED,
                Message.State.PAUSED,
                Message.State.DRAFT,
                Message.State.STOPPED,
            )
            if state in TRANSITIONS[message.state]
            and not (state == Message.State.SCHEDULED and message.trigger != Message.Trigger.SCHEDULE)
        ],
        "error": error,
    }
    return render(request, "outbound/message.html", context, status=status)


@require_GET
@teammate_page
def message_page(request, message_id: int):
    return _page(request, message_or_404(request, message_id))


@require_POST
@teammate_page
def message_state(request, message_id: int):
    message = message_or_404(request, message_id)
    wanted = request.POST.get("state") or ""
    try:
        message = set_state(message, wanted, actor=Actor.for_teammate(request.teammate))
    except ServiceError as error:
        return _page(request, message, error=error, status=error.status_code)
    flash.success(request, f"“{message}” is {message.state} now.")
    return redirect("web:outbound-message", request.workspace.slug, message.pk)
