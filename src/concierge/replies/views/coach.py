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
from concierge.replies.models import CoachSettings
from concierge.replies.selectors.coaching import coach_figures, coach_voice, customer_messages_awaiting_reply
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


def _shown(group) -> dict:
    return {
        "name": group.name,
        "replies": group.replies,
        "rows": [
            {"label": ELEMENT_NAMES[figure.element], "figure": figure, "width": _percent(figure.share)}
            for figure in group.elements
        ],
    }


def _percent(share: float | None) -> float:
    return round(100 * share, 1) if share else 0.0
