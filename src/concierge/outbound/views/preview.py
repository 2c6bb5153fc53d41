"""A message previewed as one chosen contact: filled in with their name and attributes, in their
language, drawn as the messenger shows it (a chat, a post, a banner, tooltips) or as the email."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from concierge.contacts import selectors as contact_selectors
from concierge.core.errors import NotFound
from concierge.outbound.personalisation import version_for
from concierge.outbound.views.common import example_contact, message_or_404, number, render_version
from concierge.workspaces.access import teammate_page

MAX_QUERY = 100
CHOICES = 12


@require_GET
@teammate_page
def message_preview(request, message_id: int):
    message = message_or_404(request, message_id)
    query = (request.GET.get("q") or "")[:MAX_QUERY]
    status, error = 200, ""
    if "\x00" in query:
        query, status, error = "", 400, "The search must not contain NUL characters."
    contact = None
    chosen = request.GET.get("contact") or ""
    if chosen:
        try:
            if number(chosen) is None:
                raise NotFound("No such contact.")
            contact = contact_selectors.contact_by_id(request.workspace, number(chosen))
        except NotFound:
            status, error = 404, "No such contact in this workspace."
    choices = list(contact_selectors.contacts(request.workspace, search=query)[:CHOICES])
    versions = list(message.versions.all())
    reader = contact or example_contact(request.workspace)
    version = version_for(versions, request.GET.get("locale") or reader.locale)
    rendered = None
    if version is not None:
        rendered = render_version(
            content_type=message.content_type,
            locale=version.locale,
            subject=version.subject,
            body=version.body,
            tooltips=version.tooltips,
            contact=reader,
            sender=message.sender or request.teammate,
            workspace=request.workspace,
        )
    return render(
        request,
        "outbound/preview.html",
        {
            "section": "outbound",
            "message": message,
            "contact": contact,
            "reader": reader,
            "choices": choices,
            "query": query,
            "rendered": rendered,
            "versions": versions,
            "error": error,
        },
        status=status,
    )
