"""Reports → Support funnel: the page with its charts, the lists behind each figure, and the CSV downloads.
Every number comes from the report's read API (concierge.reports.selectors); this module only shows it."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from concierge.conversations.selectors import conversation_ids_by_ref
from concierge.core.errors import InvalidInput
from concierge.core.zones import city_name
from concierge.reports import charts, selectors
from concierge.reports.display import HUMAN_SESSIONS, figures_from_report, format_count, period_text
from concierge.reports.forms import (
    PERIOD_CHOICES,
    ConversationListForm,
    Period,
    ProactiveFilters,
    ReportForm,
    SendListForm,
    SessionListForm,
)
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import teammate_page

ROWS_PER_PAGE = 50
KNOWN_CONTENT_TYPES = ["chat", "post", "email", "banner", "tooltip_group"]

# The list behind each figure: (url name, the list's choice) — sessions, conversations or sends.
DRILL_DOWNS = {
    "proactive.sent": ("web:support-report-sends", {}),
    "proactive.opened": ("web:support-report-sends", {"engagement": "opened"}),
    "proactive.clicked": ("web:support-report-sends", {"engagement": "clicked"}),
    "proactive.reacted": ("web:support-report-sends", {"engagement": "reacted"}),
    "sessions.total": ("web:support-report-sessions", {}),
    "people_seeking_support": ("web:support-report-sessions", {}),
    "sessions.stopped": ("web:support-report-sessions", {"status": "stopped"}),
    "sessions.self_serve_tried": ("web:support-report-sessions", {"status": "self_serve_tried"}),
    "sessions.self_serve_resolved": ("web:support-report-sessions", {"status": "self_serve_resolved"}),
    "sessions.human_after_self_serve": ("web:support-report-sessions", {"status": "human_after_self_serve"}),
    "sessions.human_from_start": ("web:support-report-sessions", {"status": "human_from_start"}),
    HUMAN_SESSIONS: ("web:support-report-conversations", {"group": "human_supported"}),
    "rates.self_serve_resolution": ("web:support-report-sessions", {"status": "self_serve_resolved"}),
    "rates.automated_resolution": ("web:support-report-sessions", {"status": "bot_resolved"}),
    **{
        f"human_support.{group}.{name}": ("web:support-report-conversations", {"group": group})
        for group in ("after_self_serve", "from_start")
        for name in (
            "conversations",
            "ratings",
            "rating_average",
            "rating_positive_share",
            "median_first_response_seconds",
            "median_time_to_close_seconds",
        )
    },
}
SENDS_LIST = "web:support-report-sends"


def _period_query(period: Period, filters: ProactiveFilters | None = None, **extra) -> dict:
    """A link's query that shows the same period (as dates, so it still does tomorrow) and filters."""
    query = {"from": period.date_from.isoformat(), "to": period.date_to.isoformat()}
    if filters:
        query.update(filters.as_query())
    query.update({name: value for name, value in extra.items() if value})
    return query


def _url(request, name: str, query: dict) -> str:
    base = reverse(name, args=[request.workspace.slug])
    return f"{base}?{urlencode(query)}" if query else base


def _drill_down_linker(request, period: Period, filters: ProactiveFilters):
    def href_for(key: str) -> str | None:
        if key not in DRILL_DOWNS:
            return None
        name, choice = DRILL_DOWNS[key]
        return _url(request, name, _period_query(period, filters if name == SENDS_LIST else None, **choice))

    return href_for


def _zones_context(request) -> dict:
    locale = request.teammate.locale
    return {
        "workspace_city": city_name(request.workspace.timezone or "UTC", locale),
        "teammate_city": city_name(request.teammate.timezone or "UTC", locale),
        "same_zone": (request.workspace.timezone or "UTC") == (request.teammate.timezone or "UTC"),
    }


def _preset_links(request, form: ReportForm) -> list[dict]:
    """The period picker's presets, each keeping the proactive filters."""
    filters = form.chosen_filters() if form.is_valid() else ProactiveFilters()
    chosen = form.cleaned_data.get("period") if form.is_valid() else None
    return [
        {
            "label": label,
            "href": _url(request, "web:support-report", {"period": value, **filters.as_query()}),
            "current": value == chosen,
        }
        for value, label in PERIOD_CHOICES
        if value != "custom"
    ]


def _filter_suggestions(request) -> dict:
    senders = [t.external_id for t in workspace_selectors.teammates(request.workspace) if t.external_id]
    return {"sender_suggestions": senders, "content_type_suggestions": KNOWN_CONTENT_TYPES}


def _report_charts(figures: dict, locale: str | None) -> dict:
    f = figures
    return {
        "funnel": charts.funnel_chart(figures, locale),
        "split": charts.donut_chart(
            [
                (f["sessions.self_serve_resolved"], "Resolved by self-serve", "self-serve"),
                (f["sessions.human_after_self_serve"], "Teammates, after self-serve", "human-after"),
                (f["sessions.human_from_start"], "Teammates, from the start", "human-from-start"),
            ],
            locale,
        ),
        "gauges": [
            charts.gauge(
                f["rates.self_serve_resolution"],
                "Self-serve resolution",
                "of sessions that found an answer were resolved without a teammate",
            ),
            charts.gauge(
                f["rates.articles_resolution"],
                "Article resolution",
                "of article views were not followed by a conversation",
            ),
            charts.gauge(
                f["rates.automated_resolution"],
                "Automated resolution",
                "of sessions with an automated answer were resolved by it",
            ),
        ],
        "proactive": charts.bar_chart(
            [
                (f["proactive.sent"], "Delivered"),
                (f["proactive.opened"], "Opened"),
                (f["proactive.clicked"], "Clicked"),
                (f["proactive.reacted"], "Reacted"),
            ]
        ),
        "teammates": charts.paired_chart(
            [
                (
                    "Conversations",
                    "supported by a teammate",
                    f["human_support.after_self_serve.conversations"],
                    f["human_support.from_start.conversations"],
                    None,
                ),
                (
                    "Rated",
                    "conversations with a rating",
                    f["human_support.after_self_serve.ratings"],
                    f["human_support.from_start.ratings"],
                    None,
                ),
                (
                    "Average rating",
                    "out of 5",
                    f["human_support.after_self_serve.rating_average"],
                    f["human_support.from_start.rating_average"],
                    5,
                ),
                (
                    "Rated 4 or 5",
                    "share of the ratings",
                    f["human_support.after_self_serve.rating_positive_share"],
                    f["human_support.from_start.rating_positive_share"],
                    1,
                ),
                (
                    "First response",
                    "median, to the first reply",
                    f["human_support.after_self_serve.median_first_response_seconds"],
                    f["human_support.from_start.median_first_response_seconds"],
                    None,
                ),
                (
                    "Time to close",
                    "median, from start to close",
                    f["human_support.after_self_serve.median_time_to_close_seconds"],
                    f["human_support.from_start.median_time_to_close_seconds"],
                    None,
                ),
            ]
        ),
    }


@teammate_page
def support_report_page(request):
    form = ReportForm(request.GET, workspace=request.workspace)
    context = {
        "section": "reports",
        "form": form,
        "presets": _preset_links(request, form),
        **_zones_context(request),
        **_filter_suggestions(request),
    }
    if not form.is_valid():
        return render(request, "reports/support.html", context, status=422)
    period, filters = form.chosen_period(), form.chosen_filters()
    try:
        report = selectors.support_report(
            request.workspace, period.date_from, period.date_to, **filters.as_kwargs()
        )
        previous = selectors.previous_period(period.date_from, period.date_to)
    except InvalidInput as exc:
        form.add_error(None, exc.message)
        return render(request, "reports/support.html", context, status=422)
    locale = request.teammate.locale
    figures = figures_from_report(report, locale, _drill_down_linker(request, period, filters))
    context.update(
        {
            "period": period,
            "filters": filters,
            "period_text": period_text(period.date_from, period.date_to, locale),
            "previous_text": period_text(*previous, locale),
            "figures": figures,
            "stopped": figures["sessions.stopped"],
            "quiet_period": not figures["sessions.total"].value and not figures["proactive.sent"].value,
            "charts": _report_charts(figures, locale),
            "figures_csv_url": _url(
                request, "web:support-report-figures-csv", _period_query(period, filters)
            ),
            "conversations_csv_url": _url(
                request, "web:support-report-conversations-csv", _period_query(period)
            ),
            "automated_answered_url": _url(
                request, "web:support-report-sessions", _period_query(period, status="bot_answered")
            ),
        }
    )
    return render(request, "reports/support.html", context)


def _list_page(request, form_class, kind: str, rows_for, links_for=None):
    """One drill-down list: the rows behind a figure for the period, paged, times in the teammate's zone.
    `links_for(rows)` gives each row of the page what it links to besides its contact (its conversations)."""
    form = form_class(request.GET, workspace=request.workspace)
    context = {"section": "reports", "form": form, "kind": kind, **_zones_context(request)}
    if not form.is_valid():
        return render(request, "reports/list.html", context, status=422)
    period, filters = form.chosen_period(), form.chosen_filters()
    try:
        rows = rows_for(period, filters, form.choice())
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    except InvalidInput as exc:
        form.add_error(None, exc.message)
        return render(request, "reports/list.html", context, status=422)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "title": form.title(),
            "page": page,
            "rows": links_for(page.object_list) if links_for else page.object_list,
            "count_text": format_count(page.paginator.count, request.teammate.locale),
            "period": period,
            "filters": filters if kind == "sends" else None,
            "period_text": period_text(period.date_from, period.date_to, request.teammate.locale),
            "list_query": query.urlencode(),
            "back_url": _url(
                request, "web:support-report", _period_query(period, filters if filters.any else None)
            ),
        }
    )
    return render(request, "reports/list.html", context)


def _conversation_urls(request, refs) -> dict[str, str]:
    """The inbox page of each conversation the log names, for those the inbox has."""
    slug = request.workspace.slug
    return {
        ref: reverse("web:conversation", args=[slug, conversation_id])
        for ref, conversation_id in conversation_ids_by_ref(request.workspace, refs).items()
    }


@teammate_page
def support_report_sessions(request):
    def rows(period, filters, status):
        return selectors.sessions_in_period(
            request.workspace, period.date_from, period.date_to, status=status
        )

    def links(sessions):
        refs = selectors.conversation_refs_of_sessions(request.workspace, sessions)
        urls = _conversation_urls(request, [ref for session_refs in refs.values() for ref in session_refs])
        return [
            {"session": session, "conversations": [(ref, urls.get(ref)) for ref in refs.get(session.pk, [])]}
            for session in sessions
        ]

    return _list_page(request, SessionListForm, "sessions", rows, links)


@teammate_page
def support_report_conversations(request):
    def rows(period, filters, group):
        return selectors.conversations_in_period(
            request.workspace, period.date_from, period.date_to, group=group
        )

    def links(conversations):
        urls = _conversation_urls(request, [facts.conversation_ref for facts in conversations])
        return [
            {"facts": facts, "conversation_url": urls.get(facts.conversation_ref)} for facts in conversations
        ]

    return _list_page(request, ConversationListForm, "conversations", rows, links)


@teammate_page
def support_report_sends(request):
    def rows(period, filters, engagement):
        return selectors.sends_in_period(
            request.workspace, period.date_from, period.date_to, engagement=engagement, **filters.as_kwargs()
        )

    return _list_page(request, SendListForm, "sends", rows)


def _csv_refusal(form) -> HttpResponse:
    message = "\n".join(form.error_messages()) or "The period is not valid."
    return HttpResponse(message + "\n", status=422, content_type="text/plain; charset=utf-8")


def _csv_response(request, period: Period, what: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{request.workspace.slug}-support-{what}-{period.date_from}-to-{period.date_to}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@teammate_page
def support_report_figures_csv(request):
    form = ReportForm(request.GET, workspace=request.workspace)
    if not form.is_valid():
        return _csv_refusal(form)
    period, filters = form.chosen_period(), form.chosen_filters()
    try:
        report = selectors.support_report(
            request.workspace, period.date_from, period.date_to, **filters.as_kwargs()
        )
    except InvalidInput as exc:
        form.add_error(None, exc.message)
        return _csv_refusal(form)
    response = _csv_response(request, period, "figures")
    selectors.write_figures_csv(report, response)
    return response


@teammate_page
def support_report_conversations_csv(request):
    form = ConversationListForm(request.GET, workspace=request.workspace)
    if not form.is_valid():
        return _csv_refusal(form)
    period = form.chosen_period()
    response = _csv_response(request, period, "conversations")
    try:
        selectors.write_conversations_csv(
            request.workspace, period.date_from, period.date_to, response, group=form.choice()
        )
    except InvalidInput as exc:
        form.add_error(None, exc.message)
        return _csv_refusal(form)
    return response
