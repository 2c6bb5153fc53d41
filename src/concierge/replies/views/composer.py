"""Saved replies in the conversation's composer: the `/` menu's search as you type, the chosen reply's
text filled in for the conversation's contact, the suggestions closest to the customer's last message,
and — once the composer sends — the chosen reply's macro (conversations.views.after_composer_send)."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from concierge.core.errors import NotFound
from concierge.replies.selectors import saved_replies as selectors
from concierge.replies.selectors.suggestions import suggestions_for
from concierge.replies.services import saved_replies as services
from concierge.replies.views.saved_replies import conversation_or_404
from concierge.workspaces.access import teammate_page

MENU_LIMIT = 8
MAX_QUERY = 100


def _menu_label(action: dict) -> str:
    return {
        "tag": "tags",
        "set_priority": "sets priority",
        "assign_team": "assigns",
        "assign_teammate": "assigns",
        "assign_me": "assigns to you",
        "snooze": "snoozes",
        "close": "closes",
    }.get(action.get("type"), "")


@require_GET
@teammate_page
def composer_menu(request, conversation_id: int):
    """The `/` menu's options for what is typed after the slash: the replies the teammate may use,
    best match first (the most used first when nothing is typed yet)."""
    conversation = conversation_or_404(request, conversation_id)
    query = (request.GET.get("q") or "")[:MAX_QUERY]
    if "\x00" in query:
        return render(request, "replies/_composer_menu.html", {"replies": [], "query": ""}, status=400)
    if query.strip():
        replies = selectors.saved_replies_list(
            request.workspace, request.teammate, query=query, prefix=True, limit=MENU_LIMIT
        )
    else:
        replies = selectors.most_used(request.workspace, request.teammate, limit=MENU_LIMIT)
    options = []
    for reply in replies:
        version = selectors.version_for(reply, conversation.contact.locale, request.workspace.locale)
        options.append(
            {
                "reply": reply,
                "locale": version.locale if version else "",
                "excerpt": " ".join(services.filled_text(reply, conversation, request.teammate).split())[:90],
                "does": sorted({label for a in reply.actions if (label := _menu_label(a))}),
            }
        )
    return render(
        request,
        "replies/_composer_menu.html",
        {"options": options, "query": query, "conversation": conversation},
    )


@require_GET
@teammate_page
def composer_insert(request, conversation_id: int, reply_id: int):
    """The reply's text for this conversation's contact, in their language (else the workspace's),
    its variables filled: what the composer inserts where the slash was."""
    conversation = conversation_or_404(request, conversation_id)
    try:
        reply = selectors.saved_reply_by_id(request.workspace, request.teammate, reply_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return JsonResponse(
        {
            "id": reply.pk,
            "title": reply.title,
            "text": services.filled_text(reply, conversation, request.teammate),
            "actions": len(reply.actions),
            "attachments": [a.name for a in reply.attachments.all()],
        }
    )


@require_GET
@teammate_page
def composer_suggestions(request, conversation_id: int):
    """The saved replies and help articles closest to the customer's last message (a fragment the
    conversation asks for once it is shown)."""
    conversation = conversation_or_404(request, conversation_id)
    found = suggestions_for(conversation, request.teammate)
    return render(
        request, "replies/_composer_suggestions.html", {"found": found, "conversation": conversation}
    )


def used_a_saved_reply(request) -> bool:
    """The composer's form names the saved reply the teammate inserted (and kept)."""
    return bool(request.POST.get("saved_reply"))


def run_chosen_macro(request, conversation, part, *, as_note: bool) -> None:
    """After the composer's send, inside its transaction (conversations.views.after_composer_send):
    the saved reply the teammate inserted (the form's `saved_reply`) runs its actions and counts its
    use. An action that cannot run raises, and the message is not sent either."""
    chosen = request.POST.get("saved_reply") or ""
    if not chosen:
        return
    try:
        reply = selectors.saved_reply_by_id(request.workspace, request.teammate, chosen)
    except NotFound as exc:
        raise NotFound("The saved reply you inserted is no longer available; nothing was sent.") from exc
    if not as_note:
        services.send_files_with_reply(reply, part)
    services.apply_saved_reply(reply, conversation, teammate=request.teammate, data={"part_id": part.pk})
