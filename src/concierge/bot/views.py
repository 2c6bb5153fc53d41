"""The bot page (/w/<slug>/bot/): what the bot answered and how it ended, the questions it could not
answer, a box to try a question, and its settings (owners and admins change them; docs/roles.md)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from concierge.bot import selectors, services
from concierge.bot.engine import EngineSettings, verdict_as_json
from concierge.bot.forms import PRESETS, BotSettingsForm, PeriodForm, TryForm
from concierge.core.errors import InvalidInput, ServiceError
from concierge.workspaces.access import is_owner_or_admin, owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

CHART_HEIGHT = 100
BAR_STEP = 10  # each day's slot in the chart's own units; the bar is 7 of them


def daily_chart(days) -> dict:
    """Each day's automated answers as a bar, the part the bot resolved drawn over it."""
    tallest = max((figures.answered for _, figures in days), default=0) or 1
    bars = []
    for index, (day, figures) in enumerate(days):
        answered = CHART_HEIGHT * figures.answered / tallest
        resolved = CHART_HEIGHT * figures.resolved / tallest
        bars.append(
            {
                "day": day,
                "x": index * BAR_STEP + 1.5,
                "answered_y": CHART_HEIGHT - answered,
                "answered_height": answered,
                "resolved_y": CHART_HEIGHT - resolved,
                "resolved_height": resolved,
                "figures": figures,
            }
        )
    return {"bars": bars, "width": max(len(days), 1) * BAR_STEP, "height": CHART_HEIGHT, "tallest": tallest}


def _tried(request):
    """The "try a question" box: the same call as the API's preview and the command."""
    if "question" not in request.GET:
        return TryForm(), None
    form = TryForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        verdict = selectors.ask(request.workspace, form.cleaned_data["question"], form.cleaned_data["locale"])
    except InvalidInput as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return form, None
    return form, verdict_as_json(verdict)


def _render(request, settings_form, *, status=200, error=None):
    workspace = request.workspace
    period_form = PeriodForm(request.GET, workspace=workspace)
    period = period_form.chosen()
    try_form, tried = _tried(request)
    settings = selectors.bot_settings(workspace)
    figures = selectors.bot_figures(workspace, period.date_from, period.date_to)
    context = {
        "section": "bot",
        "period": period,
        "period_form": period_form,
        "presets": PRESETS,
        "figures": figures,
        "chart": daily_chart(selectors.figures_per_day(workspace, period.date_from, period.date_to)),
        "unanswered": selectors.recent_questions(workspace, period.date_from, period.date_to, answered=False),
        "answered": selectors.recent_questions(workspace, period.date_from, period.date_to, answered=True),
        "try_form": try_form,
        "tried": tried,
        "settings": settings,
        "engine_defaults": EngineSettings(),
        "settings_form": settings_form,
        "may_change_settings": is_owner_or_admin(request.teammate),
        "error": error,
    }
    return render(request, "bot/bot.html", context, status=status)


@teammate_page
@require_GET
def bot_page(request):
    return _render(request, BotSettingsForm.of(selectors.bot_settings(request.workspace)))


@owners_and_admins_page("Only owners and admins change how the bot answers (docs/roles.md).")
@require_POST
def save_settings(request):
    form = BotSettingsForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=422)
    try:
        services.save_bot_settings(
            request.workspace, actor=Actor.for_teammate(request.teammate), **form.cleaned_data
        )
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render(request, form, status=exc.status_code, error=exc)
    messages.success(request, "The bot's settings are saved.")
    return redirect("web:bot", request.workspace.slug)
