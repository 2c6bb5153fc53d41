"""The coach's pages: hints beside the composer as the teammate types (an HTMX fragment the
conversation's template asks for by URL name), and the page of what the coach saw in sent replies."""

from dataclasses import dataclass
from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from concierge.conversations.selectors import conversation_by_id
from concierge.core.errors import NotFound, ServiceError
from concierge.replies.coach import coach_reply
from concierge.replies.coach.engine import ELEMENTS
from concierge.replies.models import CoachSettings
from concierge.replies.selectors.coaching import (
    coach_figures,
    coach_voice,
    conversations_behind,
    customer_messages_awaiting_reply,
    team_of_workspace,
    teammate_of_workspace,
)
from concierge.replies.services.coaching import set_coach_voice
from concierge.workspaces.access import is_owner_or_admin, owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

# A draft longer than this is not coached (a pasted document, not a reply).
MAX_DRAFT_LENGTH = 20_000
PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}
DEFAULT_PERIOD = "30"
ELEMENT_NAMES = {
    "restates": "Restates the question",
    "reasoning": "Gives the reasoning",
    "resolution": "Ends with a resolution",
    "overpromise": "Overpromises",
}


@dataclass(frozen=True)
class Segment:
    text: str
    mark: str  # "" (plain), "found" or "warning"
    note: str


@require_POST
@teammate_page
def coach_hints(request, conversation_id: int):
    """The coach's hints for the draft in the composer. Never blocks anything: it only reads."""
    try:
        conversation = conversation_by_id(request.workspace, conversation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    draft = request.POST.get("body", "")
    if len(draft) > MAX_DRAFT_LENGTH:
        context = {
            "error": f"The draft is longer than {MAX_DRAFT_LENGTH:,} characters; the coach reads shorter replies."
        }
        return render(request, "replies/coach_hints.html", context, status=400)
    if not draft.strip():
        return render(request, "replies/coach_hints.html", {"report": None})
    locale = conversation.contact.locale or request.workspace.locale
    voice = coach_voice(request.workspace)
    report = coach_reply(customer_messages_awaiting_reply(conversation), draft, locale, voice=voice)
    return render(
        request,
        "replies/coach_hints.html",
        {"report": report, "segments": highlighted(draft, report.hints), "names": ELEMENT_NAMES},
    )


def highlighted(draft: str, hints) -> list[Segment]:
    """The draft cut into plain and marked runs, a hint's words marked (warnings first where two
    hints cover the same words)."""
    spans = sorted(
        (h for h in hints if h.start is not None and h.element != "tone"),
        key=lambda h: (h.kind != "warning", h.start),
    )
    taken: list[tuple[int, int, str, str]] = []
    for hint in spans:
        if all(hint.end <= start or hint.start >= end for start, end, _, _ in taken):
            kind = "warning" if hint.kind == "warning" else "found"
            taken.append((hint.start, hint.end, kind, hint.message))
    segments, position = [], 0
    for start, end, kind, note in sorted(taken):
        if start > position:
            segments.append(Segment(draft[position:start], "", ""))
        segments.append(Segment(draft[start:end], kind, note))
        position = end
    if position < len(draft):
        segments.append(Segment(draft[position:], "", ""))
    return segments


@require_POST
@owners_and_admins_page("Only owners and admins choose the team's voice.")
def coach_voice_setting(request):
    try:
        set_coach_voice(
            request.workspace, request.POST.get("voice", ""), actor=Actor.for_teammate(request.teammate)
        )
    except ServiceError as exc:
        return _page(request, DEFAULT_PERIOD, error=exc.message, status=400)
    return redirect("web:coach", request.workspace.slug)


@require_GET
@teammate_page
def coach_page(request):
    period = request.GET.get("days", DEFAULT_PERIOD)
    if period not in PERIODS:
        return _page(
            request, DEFAULT_PERIOD, error=f"The period must be one of {', '.join(PERIODS)} days.", status=400
        )
    return _page(request, period)


def _page(request, period: str, *, error: str = "", status: int = 200):
    end = timezone.now()
    start = end - timedelta(days=PERIODS[period])
    figures = coach_figures(request.workspace, start, end)
    groups = [
        ("Everyone", [figures["workspace"]]),
        ("By team", figures["teams"]),
        ("By teammate", figures["teammates"]),
    ]
    return render(
        request,
        "replies/coach.html",
        {
            "section": "coach",
            "sections": []
            if error
            else [(title, [_shown(group) for group in found]) for title, found in groups],
            "period": period,
            "periods": PERIODS,
            "error": error,
            "voice": coach_voice(request.workspace),
            "voices": CoachSettings.Voice.choices,
            "may_choose_voice": is_owner_or_admin(request.teammate),
        },
        status=status,
    )


@require_GET
@teammate_page
def coach_conversations(request):
    """The conversations behind one of the page's figures."""
    query = request.GET
    period, element, present = (
        query.get("days", DEFAULT_PERIOD),
        query.get("element", ""),
        query.get("present", ""),
    )
    problems = [
        f"The period must be one of {', '.join(PERIODS)} days." if period not in PERIODS else "",
        f"The element must be one of {', '.join(ELEMENTS)}." if element not in ELEMENTS else "",
        "present must be 1 (with the element) or 0 (without it)." if present not in {"0", "1"} else "",
        *(
            f"{name} must be a number."
            for name in ("teammate", "team")
            if not _ascii_digits(query.get(name, "0"))
        ),
    ]
    problems = [problem for problem in problems if problem]
    if problems:
        context = {"section": "coach", "errors": problems}
        return render(request, "replies/coach_conversations.html", context, status=400)
    try:
        teammate = (
            teammate_of_workspace(request.workspace, int(query["teammate"])) if "teammate" in query else None
        )
        team = team_of_workspace(request.workspace, int(query["team"])) if "team" in query else None
    except NotFound as exc:
        raise Http404(exc.message) from exc
    end = timezone.now()
    start = end - timedelta(days=PERIODS[period])
    conversations = conversations_behind(
        request.workspace,
        start,
        end,
        element=element,
        present=present == "1",
        teammate_id=teammate.pk if teammate else None,
        team_id=team.pk if team else None,
    )
    who = teammate.name if teammate else team.name if team else "Everyone"
    title = f"{ELEMENT_NAMES[element]}: {'with' if present == '1' else 'without'}"
    return render(
        request,
        "replies/coach_conversations.html",
        {
            "section": "coach",
            "conversations": conversations,
            "title": title,
            "who": who,
            "days": PERIODS[period],
        },
    )


def _shown(group) -> dict:
    key = (
        f"&teammate={group.teammate_id}"
        if group.teammate_id
        else f"&team={group.team_id}"
        if group.team_id
        else ""
    )
    return {
        "name": group.name,
        "replies": group.replies,
        "query": key,
        "rows": [
            {"label": ELEMENT_NAMES[figure.element], "figure": figure, "width": _percent(figure.share)}
            for figure in group.elements
        ],
    }


def _percent(share: float | None) -> float:
    return round(100 * share, 1) if share else 0.0


def _ascii_digits(value: str) -> bool:
    """ "²" is a digit to Python, not to int()."""
    return value.isascii() and value.isdigit()
