"""The pages of office hours, service levels and the support-day rotation (under /w/<slug>/routing/).
Every form posts to a service; a refused input is shown on the page with a 422 and changes nothing."""

import calendar
from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.core.zones import zone_choices
from concierge.routing.feeds import support_days_calendar
from concierge.routing.models import ClosedDay, ResponseTarget, Rotation
from concierge.routing.selectors import hours as hours_selectors
from concierge.routing.selectors import rotation as rotation_selectors
from concierge.routing.selectors import service_levels as sla_selectors
from concierge.routing.services import hours as hours_services
from concierge.routing.services import rotation as rotation_services
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.access import is_owner_or_admin, owners_and_admins_page, teammate_page
from concierge.workspaces.kept import kept_for
from concierge.workspaces.services import Actor

HOURS_REFUSAL = "Only owners and admins can change office hours, service levels and the rotation."
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PERIODS = {"day": "By day", "week": "By week"}
SPANS_IN_DAYS = (7, 28, 90)
ORDER_SLOTS = 8  # places in a rotation's order on the page


def _team_or_none(request, raw) -> object:
    """The team a form or link names ('' or missing: none); another workspace's is a 404."""
    if raw in (None, ""):
        return None
    try:
        return workspace_selectors.team_by_id(request.workspace, int(raw))
    except (ValueError, NotFound) as exc:
        raise Http404("No such team.") from exc


def _intervals_text(row) -> dict[int, str]:
    spans: dict[int, list[str]] = {}
    for interval in row.intervals.all() if row else []:
        spans.setdefault(interval.weekday, []).append(f"{interval.starts:%H:%M}-{interval.ends:%H:%M}")
    return {day: ", ".join(spans.get(day, [])) for day in range(7)}


def intervals_from_text(texts: dict[int, str]) -> list[tuple[int, str, str]]:
    """'09:00-12:00, 13:00-17:00' per weekday, as (weekday, start, end)."""
    intervals = []
    for day, text in texts.items():
        for piece in filter(None, (part.strip() for part in (text or "").split(","))):
            start, dash, end = piece.partition("-")
            if not dash:
                raise InvalidInput(
                    f"{WEEKDAY_NAMES[day]}: write each interval as 09:00-17:00.", field="intervals"
                )
            intervals.append((day, start.strip(), end.strip()))
    return intervals


def _schedule_cards(request, posted=None) -> list[dict]:
    """One card per schedule: the workspace's, then each team's."""
    cards = []
    for team in [None, *workspace_selectors.teams(request.workspace)]:
        row = hours_selectors.office_hours_row(request.workspace, team)
        targets = sla_selectors.target_row(request.workspace, team)
        key = str(team.pk) if team else ""
        card = {
            "team": team,
            "key": key,
            "row": row,
            "closed_days": list(row.closed_days.all()) if row else [],
            "weekdays": [(day, WEEKDAY_NAMES[day], text) for day, text in _intervals_text(row).items()],
            "timezone": row.timezone if row else request.workspace.timezone,
            "country": row.holiday_country if row else "",
            "subdivision": row.holiday_subdivision if row else "",
            "first": targets.first_response_minutes if targets else "",
            "next": targets.next_response_minutes if targets else "",
        }
        if posted and posted.get("team_key") == key:
            card.update(posted)
        cards.append(card)
    return cards


def _render_hours(request, *, status=200, posted=None):
    context = {
        "section": "routing",
        "cards": _schedule_cards(request, posted),
        "zones": zone_choices(request.teammate.locale),
        "can_edit": is_owner_or_admin(request.teammate),
    }
    return render(request, "routing/hours.html", context, status=status)


@teammate_page
def office_hours_page(request):
    if request.method != "POST":
        return _render_hours(request)
    if not is_owner_or_admin(request.teammate):
        return render(request, "workspaces/forbidden.html", {"refusal": HOURS_REFUSAL}, status=403)
    team = _team_or_none(request, request.POST.get("team"))
    texts = {day: request.POST.get(f"day_{day}", "") for day in range(7)}
    posted = {
        "team_key": str(team.pk) if team else "",
        "timezone": request.POST.get("timezone", ""),
        "country": request.POST.get("holiday_country", ""),
        "subdivision": request.POST.get("holiday_subdivision", ""),
        "first": request.POST.get("first_response_minutes", ""),
        "next": request.POST.get("next_response_minutes", ""),
        "weekdays": [(day, WEEKDAY_NAMES[day], texts[day]) for day in range(7)],
    }
    actor = Actor.for_teammate(request.teammate)
    try:
        _save_hours_and_targets(request, team, texts, posted, actor)
    except ServiceError as exc:
        posted["error"] = exc.message
        return _render_hours(request, status=422, posted=posted)
    messages.success(request, f"Saved the office hours of {team.name if team else request.workspace.name}.")
    return redirect(reverse("web:routing-hours", args=[request.workspace.slug]))


def _save_hours_and_targets(request, team, texts, posted, actor) -> None:
    """Both in one transaction: a refused target leaves the hours as they were, too."""
    with transaction.atomic():
        hours_services.set_office_hours(
            request.workspace,
            team=team,
            timezone_name=posted["timezone"],
            intervals=intervals_from_text(texts),
            holiday_country=posted["country"],
            holiday_subdivision=posted["subdivision"],
            actor=actor,
        )
        hours_services.set_service_level_targets(
            request.workspace,
            team=team,
            first_response_minutes=posted["first"],
            next_response_minutes=posted["next"],
            actor=actor,
        )


@require_POST
@owners_and_admins_page(HOURS_REFUSAL)
def add_closed_day_view(request):
    team = _team_or_none(request, request.POST.get("team"))
    row = hours_selectors.office_hours_row(request.workspace, team)
    if row is None:
        return _render_hours(
            request,
            status=422,
            posted={
                "team_key": str(team.pk) if team else "",
                "error": "Save the office hours before adding closed days.",
            },
        )
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        return _render_hours(
            request,
            status=422,
            posted={
                "team_key": str(team.pk) if team else "",
                "error": "The closed day must be a date (YYYY-MM-DD).",
            },
        )
    try:
        hours_services.add_closed_day(
            row, day, name=request.POST.get("name", ""), actor=Actor.for_teammate(request.teammate)
        )
    except ServiceError as exc:
        return _render_hours(
            request, status=422, posted={"team_key": str(team.pk) if team else "", "error": exc.message}
        )
    return redirect(reverse("web:routing-hours", args=[request.workspace.slug]))


@require_POST
@owners_and_admins_page(HOURS_REFUSAL)
def remove_closed_day_view(request, closed_day_id: int):
    closed = (
        ClosedDay.objects.filter(workspace=request.workspace, pk=closed_day_id)
        .select_related("office_hours__team", "office_hours__workspace")
        .first()
    )
    if closed is None:
        raise Http404("No such closed day.")
    hours_services.remove_closed_day(closed, actor=Actor.for_teammate(request.teammate))
    return redirect(reverse("web:routing-hours", args=[request.workspace.slug]))


def _report_range(request) -> tuple[str, int, date, date]:
    period = request.GET.get("period", "day")
    if period not in PERIODS:
        raise InvalidInput("period must be day or week.", field="period")
    try:
        days = int(request.GET.get("days", "28"))
    except ValueError as exc:
        raise InvalidInput("days must be 7, 28 or 90.", field="days") from exc
    if days not in SPANS_IN_DAYS:
        raise InvalidInput("days must be 7, 28 or 90.", field="days")
    today = timezone.localtime(timezone.now(), ZoneInfo(request.workspace.timezone)).date()
    return period, days, today - timedelta(days=days - 1), today


def _kind(request) -> str | None:
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in ResponseTarget.Kind.values:
        raise InvalidInput("kind must be first or next.", field="kind")
    return kind


@teammate_page
def service_levels_page(request):
    try:
        period, days, first_day, last_day = _report_range(request)
        kind = _kind(request)
    except InvalidInput as exc:
        return render(
            request, "routing/service_levels.html", {"section": "routing", "error": exc.message}, status=422
        )
    figures = sla_selectors.service_level_figures(
        request.workspace,
        first_day=first_day,
        last_day=last_day,
        period=period,
        now=timezone.now(),
        kind=kind,
    )
    context = {
        "section": "routing",
        "figures": figures,
        "rows": _team_rows(figures),
        "chart": share_chart(figures),
        "period": period,
        "periods": PERIODS,
        "days": days,
        "spans": SPANS_IN_DAYS,
        "kind": kind or "",
        "first_day": first_day,
        "last_day": last_day,
    }
    return render(request, "routing/service_levels.html", context)


def _team_rows(figures) -> list[dict]:
    rows = []
    for team_id, name in figures.teams.items():
        tally = figures.by_team.get(team_id)
        if tally is None or not tally.counted:
            continue
        cells = [figures.by_team_period.get((team_id, start)) for start in figures.periods]
        rows.append(
            {
                "team_id": team_id,
                "name": name,
                "tally": tally,
                "cells": list(zip(figures.periods, cells, strict=True)),
            }
        )
    return rows


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 180, 28


def share_chart(figures) -> dict:
    """The share met per period as bars (SVG coordinates, drawn by the template); empty periods
    have no bar."""
    count = max(len(figures.periods), 1)
    slot = (CHART_WIDTH - CHART_PAD) / count
    bars = []
    for index, start in enumerate(figures.periods):
        tally = figures.by_period.get(start)
        share = tally.share_met if tally else None
        height = (CHART_HEIGHT - CHART_PAD) * share if share is not None else 0
        bars.append(
            {
                "x": round(CHART_PAD + index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(CHART_HEIGHT - CHART_PAD - height, 1),
                "height": round(height, 1),
                "share": share,
                "start": start,
                "tally": tally,
                "label": index % max(1, count // 8) == 0,
                "label_x": round(CHART_PAD + index * slot + slot / 2, 1),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "pad": CHART_PAD,
        "bars": bars,
        "baseline": CHART_HEIGHT - CHART_PAD,
        "half": (CHART_HEIGHT - CHART_PAD) / 2,
    }


@teammate_page
def breached_page(request):
    try:
        period, days, first_day, last_day = _report_range(request)
        kind = _kind(request)
        team_id = int(request.GET["team"]) if request.GET.get("team", "") != "" else None
        if request.GET.get("from"):
            first_day = last_day = date.fromisoformat(request.GET["from"])
            if period == "week":
                last_day = first_day + timedelta(days=6)
    except (ValueError, InvalidInput) as exc:
        message = (
            exc.message if isinstance(exc, InvalidInput) else "team must be a team's id and from a date."
        )
        return render(
            request,
            "routing/service_levels_breached.html",
            {"section": "routing", "error": message},
            status=422,
        )
    if team_id:
        _team_or_none(request, team_id)
    breached = sla_selectors.breached_conversations(
        request.workspace,
        first_day=first_day,
        last_day=last_day,
        now=timezone.now(),
        team_id=team_id,
        kind=kind,
    )
    context = {
        "section": "routing",
        "breached": breached,
        "first_day": first_day,
        "last_day": last_day,
        "back": f"{reverse('web:routing-service-levels', args=[request.workspace.slug])}?{urlencode({'period': period, 'days': days})}",
    }
    return render(request, "routing/service_levels_breached.html", context)


def _month(request) -> date:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        return date.fromisoformat(f"{raw}-01")
    except ValueError as exc:
        raise InvalidInput("month must look like 2025-03.", field="month") from exc


def _month_weeks(month: date, roster: dict) -> list[list[dict | None]]:
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(month.year, month.month):
        weeks.append(
            [{"day": day, "entry": roster.get(day), "outside": day.month != month.month} for day in week]
        )
    return weeks


def _rotation_context(request, team, month: date) -> dict:
    teams = list(workspace_selectors.teams(request.workspace))
    rotation = rotation_selectors.rotation_of(team) if team else None
    first, last = month, month.replace(day=calendar.monthrange(month.year, month.month)[1])
    roster = (
        rotation_selectors.roster_between(rotation, first - timedelta(days=7), last + timedelta(days=7))
        if rotation
        else {}
    )
    schedule = hours_selectors.schedule_for(request.workspace, team) if team else None
    holidays = {
        day: schedule.holiday_name(day)
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
        if schedule and schedule.is_closed_on(day)
    }
    return {
        "section": "routing",
        "teams": teams,
        "team": team,
        "rotation": rotation,
        "order": rotation_selectors.rotation_order(rotation) if rotation else [],
        "members": list(team.members.filter(is_active=True).order_by("name")) if team else [],
        "teammates": [t for t in workspace_selectors.teammates(request.workspace) if t.is_active],
        "patterns": Rotation.Pattern.choices,
        "month": month,
        "previous_month": (month - timedelta(days=1)).replace(day=1),
        "next_month": (last + timedelta(days=1)),
        "weeks": _month_weeks(month, roster),
        "holidays": holidays,
        "today": rotation_selectors.team_day(team, timezone.now()) if team else timezone.localdate(),
        "can_edit": is_owner_or_admin(request.teammate),
        "weekday_names": WEEKDAY_NAMES,
        "order_slots": range(ORDER_SLOTS),
    }


@teammate_page
def rotation_page(request):
    teams = list(workspace_selectors.teams(request.workspace))
    raw_team = request.GET.get("team") or request.POST.get("team") or (teams[0].pk if teams else "")
    team = _team_or_none(request, raw_team)
    try:
        month = _month(request)
    except InvalidInput as exc:
        return render(
            request,
            "routing/rotation.html",
            {"section": "routing", "error": exc.message, "teams": teams},
            status=422,
        )
    if request.method != "POST":
        return render(request, "routing/rotation.html", _rotation_context(request, team, month))
    if not is_owner_or_admin(request.teammate):
        return render(request, "workspaces/forbidden.html", {"refusal": HOURS_REFUSAL}, status=403)
    if team is None:
        raise Http404("No such team.")
    try:
        done = _change_rotation(request, team)
    except ServiceError as exc:
        context = _rotation_context(request, team, month) | {
            "error": exc.message,
            "action": request.POST.get("action"),
        }
        return render(request, "routing/rotation.html", context, status=422)
    messages.success(request, done)
    query = urlencode({"team": team.pk, "month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('web:routing-rotation', args=[request.workspace.slug])}?{query}")


def _posted_date(request, name: str) -> date:
    try:
        return date.fromisoformat(request.POST.get(name, ""))
    except ValueError as exc:
        raise InvalidInput(f"{name.replace('_', ' ')} must be a date (YYYY-MM-DD).", field=name) from exc


def _posted_teammate(request, name: str):
    raw = request.POST.get(name, "")
    if raw == "":
        return None
    try:
        return workspace_selectors.teammate_by_id(request.workspace, int(raw))
    except (ValueError, NotFound) as exc:
        raise InvalidInput("Choose a teammate of this workspace.", field=name) from exc


def _rotation_or_refuse(team):
    rotation = rotation_selectors.rotation_of(team)
    if rotation is None:
        raise InvalidInput("Set up the team's rotation first.", field="action")
    return rotation


def _change_rotation(request, team) -> str:
    """Run the posted action; returns what to tell the admin."""
    actor = Actor.for_teammate(request.teammate)
    action = request.POST.get("action")
    if action == "set":
        order = [_posted_teammate(request, f"order_{index}") for index in range(ORDER_SLOTS)]
        order = [teammate for teammate in order if teammate is not None]
        try:
            days_per_week = int(request.POST.get("days_per_week", "1"))
        except ValueError as exc:
            raise InvalidInput("days_per_week must be 1 or 2.", field="days_per_week") from exc
        rotation_services.set_rotation(
            team,
            order=order,
            pattern=request.POST.get("pattern", ""),
            days_per_week=days_per_week,
            is_active=request.POST.get("is_active") == "on",
            actor=actor,
        )
        return f"Saved the rotation of {team.name}."
    rotation = _rotation_or_refuse(team)
    if action == "generate":
        count = rotation_services.generate_roster(
            rotation,
            first_day=_posted_date(request, "first_day"),
            last_day=_posted_date(request, "last_day"),
            actor=actor,
        )
        return f"Generated the roster: {count} support days."
    if action == "swap":
        rotation_services.swap_roster_days(
            rotation, _posted_date(request, "first"), _posted_date(request, "second"), actor=actor
        )
        return "Swapped the two days."
    if action == "override":
        rotation_services.override_roster_day(
            rotation, _posted_date(request, "day"), _posted_teammate(request, "teammate"), actor=actor
        )
        return "Changed who is on support that day."
    raise InvalidInput("Unknown action.", field="action")


@teammate_page
def my_feed(request):
    """Your own feed's secret address (POST: a new one, the old one stops working)."""
    if request.method == "POST":
        feed = rotation_services.renew_roster_feed(request.teammate)
        messages.success(request, "Your calendar address is new; the old one no longer works.")
    else:
        feed = rotation_services.roster_feed_for(request.teammate)
    url = request.build_absolute_uri(reverse("web:routing-feed", args=[request.workspace.slug, feed.token]))
    return render(request, "routing/rotation_feed.html", {"section": "routing", "feed_url": url})


def roster_feed(request, slug: str, token: str):
    """A teammate's support days for their calendar: no sign-in, the secret address is the key."""
    try:
        workspace = workspace_selectors.workspace_by_slug(slug)
        feed = rotation_selectors.feed_by_token(workspace, token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    now = timezone.now()
    body = support_days_calendar(feed.teammate, today=now.date(), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


def on_support_note(request) -> list | None:
    """The inbox header's note: each rotating team and who is on support on its day (None: no
    rotation). The rotations, their zones and rosters are audited set-up, so kept per process
    (workspaces.kept); each team's day is worked out per request, in its own zone."""
    workspace, now = request.workspace, timezone.now()
    teams = kept_for(
        workspace, "routing.rotating_teams", lambda: tuple(rotation_selectors.rotating_teams(workspace))
    )
    return [
        (rotating.team, _on_support_on(workspace, rotating, rotating.day_at(now))) for rotating in teams
    ] or None


def _on_support_on(workspace, rotating: rotation_selectors.RotatingTeam, day: date) -> tuple:
    return kept_for(
        workspace,
        ("routing.on_support", rotating.rotation_id, day),
        lambda: tuple(rotation_selectors.on_support_on(workspace, rotating.rotation_id, day)),
    )
