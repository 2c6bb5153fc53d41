"""The insights pages: the product stand-up (with the lists behind its counts and its CSV), the product
issues, the conversation page's issues control (an HTMX fragment the conversation's template asks for
by URL name), the tags counted as product feedback, and a teammate's weekly-digest choice."""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.conversations.selectors import conversation_by_id
from concierge.core.errors import NotFound, ServiceError
from concierge.core.zones import city_name
from concierge.insights import selectors
from concierge.insights.forms import PERIOD_CHOICES, DrillDownForm, IssueForm, PeriodForm
from concierge.insights.models import ProductIssue
from concierge.insights.services.digest import set_digest_wanted
from concierge.insights.services.feedback_tags import set_tag_product_feedback
from concierge.insights.services.issues import (
    create_product_issue,
    link_conversation_to_issue,
    link_conversations_to_issue,
    reopen_issue,
    unlink_conversation_from_issue,
    update_product_issue,
)
from concierge.insights.services.shipping import reply_to_all_who_asked
from concierge.workspaces.access import is_owner_or_admin, owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

NO_PLAN_PARAM = "-"
MAX_LINKED_AT_ONCE = 200
SHIP_TEMPLATE = (
    "Hi {{contact.first_name|there}},\n\nYou asked us about this, so you are among the first to hear: "
    "**{title}** is now live.\n\nThanks for telling us what you needed — it shaped what we built.\n\n"
    "{{teammate.first_name}}"
)


def _period_query(form: PeriodForm) -> dict:
    period = form.chosen_period()
    return {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}


def _url(request, name: str, query: dict | None = None, args=()) -> str:
    base = reverse(name, args=[request.workspace.slug, *args])
    return f"{base}?{urlencode(query)}" if query else base


def _issue_or_404(request, issue_id: int) -> ProductIssue:
    try:
        return selectors.issue_of_workspace(request.workspace, issue_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _conversation_or_404(request, conversation_id: int):
    try:
        return conversation_by_id(request.workspace, conversation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def trend_bars(previous: int, current: int) -> dict:
    """The trend chart's two bars (previous period, this one) as percentages of the larger."""
    largest = max(previous, current, 1)
    return {
        "previous": round(100 * previous / largest, 2) if previous else 0,
        "current": round(100 * current / largest, 2) if current else 0,
    }


# ---------- The stand-up ----------


@require_GET
@teammate_page
def standup_page(request):
    form = PeriodForm(request.GET, workspace=request.workspace)
    context = {
        "section": "insights",
        "form": form,
        "presets": [
            {
                "label": label,
                "href": _url(request, "web:insights", {"period": value}),
                "current": value == form.preset,
            }
            for value, label in PERIOD_CHOICES
            if value != "custom"
        ],
        "workspace_city": city_name(request.workspace.timezone or "UTC", request.teammate.locale),
        "can_configure": is_owner_or_admin(request.teammate),
    }
    if not form.is_valid():
        return render(request, "insights/standup.html", context, status=400)
    data = selectors.standup(request.workspace, form.chosen_period())
    query = _period_query(form)
    for figure in data.tags:
        figure.href = _url(request, "web:insights-conversations", {**query, "tag": figure.tag.pk})
        figure.bars = trend_bars(figure.previous_customers, figure.customers)
        figure.previous_href = _url(
            request,
            "web:insights-conversations",
            {
                "from": data.previous.first_day.isoformat(),
                "to": data.previous.last_day.isoformat(),
                "tag": figure.tag.pk,
            },
        )
        for plan in figure.plans:
            plan.href = _url(
                request,
                "web:insights-conversations",
                {**query, "tag": figure.tag.pk, "plan": plan.plan or NO_PLAN_PARAM},
            )
    context.update(
        {
            "standup": data,
            "all_href": _url(request, "web:insights-conversations", query),
            "csv_href": _url(request, "web:insights-csv", query),
            "tag_settings": selectors.tag_feedback_settings(request.workspace)
            if context["can_configure"]
            else [],
            "open_issues": selectors.issues(request.workspace, state=ProductIssue.State.OPEN)[:8],
            "custom": form.cleaned_data["period"] == "custom",
        }
    )
    return render(request, "insights/standup.html", context)


def _drill_down(request):
    form = DrillDownForm(request.GET, workspace=request.workspace)
    if not form.is_valid():
        return form, None, None, None
    tag = None
    if form.cleaned_data.get("tag"):
        try:
            tag = selectors.tag_of_workspace(request.workspace, form.cleaned_data["tag"])
        except NotFound as exc:
            raise Http404(exc.message) from exc
    plan = form.cleaned_data.get("plan") or None
    if plan == NO_PLAN_PARAM:
        plan = selectors.NO_PLAN
    period = form.chosen_period()
    rows = selectors.conversations_behind(
        request.workspace, period, tag_id=tag.pk if tag else None, plan=plan
    )
    return form, tag, plan, rows


@require_GET
@teammate_page
def drill_down_page(request):
    """The conversations behind a stand-up count, with their customers, and a way to link them to an
    issue."""
    form, tag, plan, conversations = _drill_down(request)
    context = {"section": "insights", "form": form, "tag": tag, "plan": plan}
    if conversations is None:
        return render(request, "insights/conversations.html", context, status=400)
    context.update(
        {
            "conversations": conversations,
            "customers": len({c.contact_id for c in conversations}),
            "period": form.chosen_period(),
            "back_href": _url(request, "web:insights", _period_query(form)),
            "issues": selectors.issues(request.workspace, state=ProductIssue.State.OPEN),
            "no_plan": selectors.NO_PLAN,
            "teammate_city": city_name(request.teammate.timezone or "UTC", request.teammate.locale),
        }
    )
    return render(request, "insights/conversations.html", context)


CSV_COLUMNS = (
    "tag",
    "conversations",
    "customers",
    "seats",
    "previous_conversations",
    "previous_customers",
    "plan",
    "plan_customers",
    "plan_seats",
)


@require_GET
@teammate_page
def standup_csv(request):
    """The stand-up's figures as CSV: a row per tag (plan empty), then a row per tag and plan."""
    form = PeriodForm(request.GET, workspace=request.workspace)
    if not form.is_valid():
        return HttpResponse(
            " ".join(form.error_messages), status=400, content_type="text/plain; charset=utf-8"
        )
    data = selectors.standup(request.workspace, form.chosen_period(), quotes_per_tag=0)
    period = data.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="product-feedback-{period.first_day}-to-{period.last_day}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for figure in data.tags:
        base = [
            _csv_safe(figure.tag.name),
            figure.conversations,
            figure.customers,
            figure.seats,
            figure.previous_conversations,
            figure.previous_customers,
        ]
        writer.writerow([*base, "", "", ""])
        for plan in figure.plans:
            writer.writerow([*base, _csv_safe(plan.plan or "(no plan)"), plan.customers, plan.seats])
    return response


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@owners_and_admins_page("Only owners and admins choose which tags count as product feedback.")
@require_POST
def feedback_tags_setting(request):
    """Which tags count as product feedback: the checked ones of the tags listed in the form."""
    listed = request.POST.getlist("listed")
    checked = set(request.POST.getlist("feedback"))
    actor = Actor.for_teammate(request.teammate)
    changed = 0
    tags = {str(tag.pk): tag for tag, _ in selectors.tag_feedback_settings(request.workspace)}
    unknown = [value for value in [*listed, *checked] if value not in tags]
    if unknown:
        return HttpResponse(
            "Some of those tags are not in this workspace (deleted meanwhile?). Nothing changed.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    for value in listed:
        changed += set_tag_product_feedback(tags[value], value in checked, actor=actor)
    messages.success(
        request, f"{changed} tag{'s' if changed != 1 else ''} changed." if changed else "Nothing changed."
    )
    return redirect(_url(request, "web:insights") + "#feedback-tags")


# ---------- Product issues ----------


@require_http_methods(["GET", "POST"])
@teammate_page
def issues_page(request):
    form = IssueForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issue = create_product_issue(
                    request.workspace,
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"],
                    actor=Actor.for_teammate(request.teammate),
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Issue “{issue.title}” created.")
                return redirect("web:insights-issue", request.workspace.slug, issue.pk)
        status = 400
    context = {"section": "insights", "form": form, "issues": selectors.issues(request.workspace)}
    return render(request, "insights/issues.html", context, status=status)


def _issue_context(request, issue, **extra) -> dict:
    askers = selectors.customers_who_asked(request.workspace, issue)
    return {
        "section": "insights",
        "issue": issue,
        "askers": askers,
        "conversations": sum(len(a.conversations) for a in askers),
        "waiting": len(selectors.conversations_not_yet_replied(request.workspace, issue)),
        "notices": issue.notices.select_related("teammate").order_by("-requested_at"),
        "edit_form": IssueForm(initial={"title": issue.title, "url": issue.url}),
        "ship_body": SHIP_TEMPLATE.replace("{title}", issue.title),
        **extra,
    }


@require_GET
@teammate_page
def issue_page(request, issue_id: int):
    issue = _issue_or_404(request, issue_id)
    return render(request, "insights/issue.html", _issue_context(request, issue))


def _issue_action(request, issue, action, success: str):
    try:
        action()
    except ServiceError as exc:
        context = _issue_context(request, issue, error=exc.message, error_field=exc.field, kept=request.POST)
        return render(request, "insights/issue.html", context, status=exc.status_code)
    messages.success(request, success)
    return redirect("web:insights-issue", request.workspace.slug, issue.pk)


@require_POST
@teammate_page
def issue_edit(request, issue_id: int):
    issue = _issue_or_404(request, issue_id)
    return _issue_action(
        request,
        issue,
        lambda: update_product_issue(
            issue,
            title=request.POST.get("title", ""),
            url=request.POST.get("url", ""),
            actor=Actor.for_teammate(request.teammate),
        ),
        "Issue saved.",
    )


def _conversation_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        value = value.strip().lstrip("#")
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise _BadConversation(f"“{value[:40]}” is not a conversation number.")
        ids.append(int(value))
    return ids


class _BadConversation(ServiceError):
    status_code = 400


@require_POST
@teammate_page
def link_selected(request):
    """The drill-down list's checked conversations, linked to the chosen issue (`issue`)."""
    value = request.POST.get("issue", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return HttpResponse(
            "Choose an issue from the list.", status=400, content_type="text/plain; charset=utf-8"
        )
    return _link(request, _issue_or_404(request, int(value)))


@require_POST
@teammate_page
def issue_link(request, issue_id: int):
    """Link conversations (by number: a form field of comma-separated numbers, or checked boxes)."""
    return _link(request, _issue_or_404(request, issue_id))


def _link(request, issue):

    def link():
        raw = request.POST.getlist("conversation")
        raw += [v for v in request.POST.get("conversations", "").replace(",", " ").split() if v]
        if not raw:
            raise _BadConversation(
                "Name at least one conversation (its number, e.g. 1042).", field="conversations"
            )
        if len(raw) > MAX_LINKED_AT_ONCE:
            raise _BadConversation(
                f"Link at most {MAX_LINKED_AT_ONCE} conversations at once.", field="conversations"
            )
        ids = _conversation_ids(raw)
        found = []
        for conversation_id in ids:
            try:
                found.append(conversation_by_id(request.workspace, conversation_id))
            except NotFound as exc:
                raise _BadConversation(exc.message, field="conversations") from exc
        link_conversations_to_issue(issue, found, teammate=request.teammate)

    return _issue_action(request, issue, link, "Conversations linked.")


@require_POST
@teammate_page
def issue_unlink(request, issue_id: int):
    issue = _issue_or_404(request, issue_id)

    def unlink():
        for conversation_id in _conversation_ids(request.POST.getlist("conversation")[:MAX_LINKED_AT_ONCE]):
            try:
                conversation = conversation_by_id(request.workspace, conversation_id)
            except NotFound as exc:
                raise _BadConversation(exc.message, field="conversations") from exc
            unlink_conversation_from_issue(issue, conversation)

    return _issue_action(request, issue, unlink, "Conversation unlinked.")


@require_POST
@teammate_page
def issue_ship(request, issue_id: int):
    """It shipped: reply to everyone who asked (the worker sends the replies)."""
    issue = _issue_or_404(request, issue_id)
    return _issue_action(
        request,
        issue,
        lambda: reply_to_all_who_asked(issue, teammate=request.teammate, body=request.POST.get("body", "")),
        "Marked shipped. The replies are on their way, one per conversation.",
    )


@require_POST
@teammate_page
def issue_reopen(request, issue_id: int):
    issue = _issue_or_404(request, issue_id)
    return _issue_action(
        request,
        issue,
        lambda: reopen_issue(issue, actor=Actor.for_teammate(request.teammate)),
        "Issue reopened.",
    )


# ---------- The conversation page's control ----------


@require_http_methods(["GET", "POST"])
@teammate_page
def conversation_issues(request, conversation_id: int):
    """GET: the conversation's product issues and a way to link one; POST: link to an open issue
    (`issue`) or to a new one (`title`, `url`)."""
    conversation = _conversation_or_404(request, conversation_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            if request.POST.get("issue"):
                value = request.POST["issue"]
                if not (value.isascii() and value.isdigit()) or len(value) > 18:
                    raise _BadConversation("Choose an issue from the list.", field="issue")
                issue = selectors.issue_of_workspace(request.workspace, int(value))
            else:
                issue = create_product_issue(
                    request.workspace,
                    title=request.POST.get("title", ""),
                    url=request.POST.get("url", ""),
                    actor=Actor.for_teammate(request.teammate),
                )
            link_conversation_to_issue(issue, conversation, teammate=request.teammate)
        except NotFound as exc:
            error, status = exc.message, 404
        except ServiceError as exc:
            error, status = exc.message, exc.status_code
        if error is None and not request.htmx:
            return redirect("web:conversation", request.workspace.slug, conversation.pk)
    context = {
        "conversation": conversation,
        "linked": selectors.issues_of_conversation(request.workspace, conversation),
        "choices": selectors.issues_to_link(request.workspace, conversation),
        "error": error,
        "kept": request.POST if error else {},
    }
    return render(request, "insights/_conversation_issues.html", context, status=status)


# ---------- The digest ----------


@require_http_methods(["GET", "POST"])
@teammate_page
def digest_setting(request):
    """A teammate's own weekly digest: on or off."""
    if request.method == "POST":
        choice = request.POST.get("wanted", "")
        if choice not in ("on", "off"):
            return render(
                request,
                "insights/digest.html",
                {
                    "section": "insights",
                    "wanted": selectors.wants_digest(request.teammate),
                    "error": "Choose on or off.",
                },
                status=400,
            )
        set_digest_wanted(request.teammate, choice == "on", actor=Actor.for_teammate(request.teammate))
        messages.success(request, "Weekly digest turned " + choice + ".")
        return redirect("web:insights-digest", request.workspace.slug)
    context = {
        "section": "insights",
        "wanted": selectors.wants_digest(request.teammate),
        "teams": selectors.teams_of(request.teammate),
        "city": city_name(request.teammate.timezone or "UTC", request.teammate.locale),
    }
    return render(request, "insights/digest.html", context)
