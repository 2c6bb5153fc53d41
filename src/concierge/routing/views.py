"""Routing's pages: the rules in their order, the rule editor with its preview, each team's assignment
settings with who is available now, and a teammate's away switch. Editing is for owners and admins
(docs/roles.md); the away switch is every teammate's own."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from concierge.conversations.models import Conversation, Tag
from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.routing.models import Rule, TeamRouting
from concierge.routing.selectors.availability import routing_of, team_availability, team_queue
from concierge.routing.selectors.rules import (
    broken_references,
    preview_rule,
    references_of,
    rule_by_id,
    rules_of,
)
from concierge.routing.services import rules as rule_services
from concierge.routing.services.assignment import set_away, set_team_routing
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

REFUSAL = "Only owners and admins can change routing."
CONDITION_LABELS = {
    "message": "Words in the message",
    "channel": "Channel",
    "tag": "Tag",
    "mailbox": "Mailbox (with the email channel)",
    "contact.plan": "Contact's plan",
    "contact.company": "Contact's company",
    "contact.seats": "Contact's seats",
    "contact.locale": "Contact's language",
    "contact.city": "Contact's city",
    "office_hours": "Time of day",
    "priority": "Priority",
}
OPERATOR_LABELS = {
    "contains_any": "contains any of",
    "contains_none": "contains none of",
    "is": "is",
    "is_not": "is not",
    "contains": "contains",
    "starts_with": "starts with",
    "gt": "more than",
    "gte": "at least",
    "lt": "fewer than",
    "lte": "at most",
    "within": "is within office hours",
    "outside": "is outside office hours",
}
ACTION_LABELS = {
    "tag": "Add the tag",
    "set_priority": "Set the priority to",
    "assign_team": "Assign to the team",
    "assign_teammate": "Assign to the teammate",
    "assign_by_method": "Assign by the team's method",
    "send_saved_reply": "Send the saved reply",
    "snooze": "Snooze for (minutes)",
    "close": "Close",
    "add_note": "Add an internal note",
}
METHOD_NAMES = {"manual": "Manual", "round_robin": "Round-robin", "balanced": "Balanced"}
TARGET_OF = {
    "tag": "tag_id",
    "assign_team": "team_id",
    "assign_by_method": "team_id",
    "assign_teammate": "teammate_id",
}


def _method_of(routing: TeamRouting | None) -> str:
    return routing.method if routing else TeamRouting.Method.MANUAL


def _actor(request) -> Actor:
    return Actor.for_teammate(request.teammate)


def _rule_or_404(request, rule_id: int) -> Rule:
    try:
        return rule_by_id(request.workspace, rule_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _choices(workspace) -> dict:
    saved = rule_services.saved_replies()
    return {
        "condition_fields": [
            (f, CONDITION_LABELS[f], f in rule_services.UNAVAILABLE_CONDITIONS)
            for f in rule_services.CONDITIONS
        ],
        "operators": OPERATOR_LABELS.items(),
        "action_types": [
            (a, ACTION_LABELS[a], a == "send_saved_reply" and saved is None) for a in rule_services.ACTIONS
        ],
        "teams": list(workspace_selectors.teams(workspace)),
        "teammates": [t for t in workspace_selectors.teammates(workspace) if t.is_active],
        "tags": list(Tag.objects.filter(workspace=workspace)),
        "priorities": Conversation.Priority.choices,
        "channels": Conversation.Channel.values,
        "saved_replies": saved.choices(workspace) if saved else [],
        "triggers": Rule.Trigger.choices,
    }


@owners_and_admins_page(REFUSAL)
def rules_page(request):
    rules = rules_of(request.workspace)
    references = references_of(request.workspace.pk, rules)
    teams = list(workspace_selectors.teams(request.workspace))
    routings = {r.team_id: r for r in TeamRouting.objects.filter(workspace=request.workspace)}
    return render(
        request,
        "routing/rules.html",
        {
            "section": "settings",
            "settings_section": "routing",
            "rules": [(rule, broken_references(rule, references)) for rule in rules],
            "teams": [
                (team, routings.get(team.pk), METHOD_NAMES[_method_of(routings.get(team.pk))])
                for team in teams
            ],
        },
    )


def _given_from(post) -> rule_services.RuleInput:
    """The rule as the editor's rows posted it (parallel lists, one entry per row)."""
    conditions = []
    for field, operator, value in zip(
        post.getlist("condition_field"),
        post.getlist("condition_operator"),
        post.getlist("condition_value"),
        strict=False,
    ):
        if not field:
            continue
        conditions.append({"field": field, "operator": operator, "value": value})
    actions = []
    for kind, target, text in zip(
        post.getlist("action_type"), post.getlist("action_target"), post.getlist("action_text"), strict=False
    ):
        if not kind:
            continue
        action = {"type": kind}
        if kind in TARGET_OF:
            action[TARGET_OF[kind]] = target
        elif kind == "set_priority":
            action["priority"] = target
        elif kind == "send_saved_reply":
            action["saved_reply_id"] = int(target) if target.isascii() and target.isdigit() else target
        elif kind == "snooze":
            action["minutes"] = text
        elif kind == "add_note":
            action["body"] = text
        actions.append(action)
    return rule_services.RuleInput(
        name=post.get("name", ""),
        trigger=post.get("trigger", ""),
        wait_minutes=post.get("wait_minutes") or None,
        match=post.get("match", "all"),
        conditions=conditions,
        actions=actions,
        stop_after=post.get("stop_after") == "on",
        enabled=post.get("enabled", "on") == "on",
    )


def _resolve_tag_names(workspace, given: rule_services.RuleInput) -> rule_services.RuleInput:
    """The editor names a condition's tag; the rule keeps its id (an unknown name stays, refused)."""
    tags = {tag.name.casefold(): tag.pk for tag in Tag.objects.filter(workspace=workspace)}
    for condition in given.conditions:
        if condition["field"] == "tag" and isinstance(condition["value"], str):
            condition["value"] = tags.get(condition["value"].strip().casefold(), condition["value"])
        if condition["field"] == "office_hours":
            condition["value"] = None
    return given


def _rows_of(rule: Rule | None, given: rule_services.RuleInput | None, workspace) -> tuple[list, list]:
    """The editor's rows: what was posted (kept after an error), else the rule's, else one blank each."""
    source = given or rule
    if source is None:
        return [{}], [{}]
    tag_names = {tag.pk: tag.name for tag in Tag.objects.filter(workspace=workspace)}
    conditions = []
    for condition in source.conditions:
        value = condition.get("value")
        if condition.get("field") == "tag":
            value = tag_names.get(value, value)
        elif isinstance(value, list):
            value = ", ".join(value)
        conditions.append({**condition, "value": "" if value is None else value})
    actions = []
    for action in source.actions:
        target = (
            action.get("priority")
            or action.get("saved_reply_id")
            or next((action[key] for key in ("tag_id", "team_id", "teammate_id") if key in action), "")
        )
        actions.append(
            {
                "type": action.get("type"),
                "target": str(target),
                "text": action.get("body") or action.get("minutes") or "",
            }
        )
    return conditions or [{}], actions or [{}]


@owners_and_admins_page(REFUSAL)
def rule_editor(request, rule_id: int | None = None):
    rule = _rule_or_404(request, rule_id) if rule_id else None
    given, error, status = None, None, 200
    if request.method == "POST":
        given = _resolve_tag_names(request.workspace, _given_from(request.POST))
        try:
            if rule is None:
                rule = rule_services.create_rule(request.workspace, given, actor=_actor(request))
            else:
                rule_services.update_rule(rule, given, actor=_actor(request))
        except ServiceError as exc:
            error, status = exc, exc.status_code
        else:
            messages.success(request, f"Saved the rule “{rule.name}”.")
            return redirect("web:routing_rule", request.workspace.slug, rule.pk)
    conditions, actions = _rows_of(rule, given, request.workspace)
    preview = preview_rule(rule, at=timezone.now()) if rule is not None and given is None else None
    problems = broken_references(rule, references_of(request.workspace.pk, [rule])) if rule else []
    context = {
        "section": "settings",
        "settings_section": "routing",
        "rule": rule,
        "given": given,
        "error": error,
        "condition_rows": conditions,
        "action_rows": actions,
        "preview": preview,
        "matched": sum(1 for row in preview if row.matched) if preview else 0,
        "problems": problems,
        **_choices(request.workspace),
    }
    return render(request, "routing/rule_editor.html", context, status=status)


@owners_and_admins_page(REFUSAL)
def blank_row(request, kind: str):
    """One more condition or action row for the editor (HTMX)."""
    if kind not in ("condition", "action"):
        raise Http404("No such row.")
    template = f"routing/_rule_{kind}_row.html"
    return render(request, template, {"row": {}, **_choices(request.workspace)})


@require_POST
@owners_and_admins_page(REFUSAL)
def move_rule_view(request, rule_id: int):
    rule = _rule_or_404(request, rule_id)
    ordered = rules_of(request.workspace)
    place = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Move a rule up or down.", status=422, content_type="text/plain")
    try:
        rule_services.move_rule(rule, to=place - 1 if direction == "up" else place + 1, actor=_actor(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("web:routing_rules", request.workspace.slug)


@require_POST
@owners_and_admins_page(REFUSAL)
def toggle_rule(request, rule_id: int):
    rule = _rule_or_404(request, rule_id)
    rule_services.set_rule_enabled(rule, request.POST.get("enabled") == "on", actor=_actor(request))
    return redirect("web:routing_rules", request.workspace.slug)


@require_POST
@owners_and_admins_page(REFUSAL)
def delete_rule_view(request, rule_id: int):
    rule = _rule_or_404(request, rule_id)
    rule_services.delete_rule(rule, actor=_actor(request))
    messages.success(request, f"Deleted the rule “{rule.name}”.")
    return redirect("web:routing_rules", request.workspace.slug)


def _limit_from(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to Python, not to int()
        raise InvalidInput("The limit is a whole number, or empty for none.", field="open_limit")
    return int(text)


@owners_and_admins_page(REFUSAL)
def team_assignment(request, team_id: int):
    team = workspace_selectors.teams(request.workspace).filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team.")
    error, status = None, 200
    if request.method == "POST":
        try:
            set_team_routing(
                team,
                method=request.POST.get("method", ""),
                open_limit=_limit_from(request.POST.get("open_limit")),
                actor=_actor(request),
            )
        except ServiceError as exc:
            error, status = exc, exc.status_code
        else:
            messages.success(request, f"Saved how {team.name} is assigned.")
            return redirect("web:routing_team", request.workspace.slug, team.pk)
    routing = routing_of(team)
    return render(
        request,
        "routing/assignment.html",
        {
            "section": "settings",
            "settings_section": "routing",
            "team": team,
            "routing": routing,
            "methods": TeamRouting.Method.choices,
            "availability": team_availability(team, timezone.now(), routing=routing),
            "queued": team_queue(team).count(),
            "error": error,
            "posted": request.POST if error else None,
        },
        status=status,
    )


@require_POST
@teammate_page
def away_switch(request):
    """A teammate sets themself away (no new conversations) or back."""
    away = request.POST.get("away")
    if away not in ("on", "off"):
        return HttpResponse("Say away=on or away=off.", status=422, content_type="text/plain")
    set_away(request.teammate, away == "on", actor=_actor(request))
    messages.success(
        request, "You are away: no new conversations reach you." if away == "on" else "Welcome back."
    )
    next_page = request.POST.get("next", "")
    if not next_page.startswith(f"/w/{request.workspace.slug}/"):
        next_page = f"/w/{request.workspace.slug}/inbox/"
    return redirect(next_page)
