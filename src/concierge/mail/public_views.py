"""The conversation's page a customer reaches from an email of replies they had not seen
(mail.services.offline): the link's signed token is the key, so the page reads the conversation of
that contact only, shows its messages (never notes), marks them seen, and takes a reply."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from concierge.conversations import selectors as conversation_selectors
from concierge.conversations.services import mark_seen_by_contact, reply_as_contact
from concierge.core.errors import NotFound, ServiceError
from concierge.core.zones import format_for_person
from concierge.mail.services.offline import conversation_of_link
from concierge.workspaces.selectors import workspace_by_slug

MAX_REPLY_LENGTH = 10000
MAX_TOKEN_LENGTH = 400


class ReplyForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_REPLY_LENGTH,
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _conversation_or_404(workspace_slug: str, token: str):
    if len(token) > MAX_TOKEN_LENGTH:
        raise Http404("This link is not valid.")
    try:
        workspace = workspace_by_slug(workspace_slug)
    except NotFound as exc:
        raise Http404("This link is not valid.") from exc
    conversation = conversation_of_link(workspace, token)
    if conversation is None:
        raise Http404("This link is not valid or has expired: open the conversation from a newer email.")
    return conversation


@require_http_methods(["GET", "POST"])
def offline_conversation(request, workspace_slug: str, conversation_token: str):
    conversation = _conversation_or_404(workspace_slug, conversation_token)
    form, status, error = ReplyForm(), 200, None
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                reply_as_contact(conversation, form.cleaned_data["body"])
            except ServiceError as exc:
                error, status = exc.message, exc.status_code
            else:
                return redirect(request.path + "#latest")
        else:
            status = 422
    mark_seen_by_contact(conversation)
    contact, workspace = conversation.contact, conversation.workspace
    zone = contact.timezone or workspace.timezone
    locale = contact.locale or workspace.locale
    parts = list(conversation_selectors.parts_visible_to_contact(conversation))
    for part in parts:
        part.shown_at = format_for_person(part.created_at, zone, locale)
    context = {
        "conversation": conversation,
        "workspace": workspace,
        "parts": parts,
        "form": form,
        "error": error,
    }
    response = render(request, "mail/offline_conversation.html", context, status=status)
    response["Cache-Control"] = "no-store"
    # The token is in the address: never sent to another site as a referrer. ("no-referrer" would
    # make the browser send `Origin: null` with the reply form, which CSRF protection refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
