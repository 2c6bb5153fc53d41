"""Contacts: a searchable list, and one contact's page: their details and attributes, then the panels
the apps above add (their conversations, …).

The contact's page gathers what other apps know of the contact without importing them: an app on a
higher floor adds its panel with `show_on_contact_page` in its AppConfig.ready."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from concierge.contacts import selectors, services
from concierge.contacts.forms import attributes_as_text, attributes_from_text, is_nested
from concierge.contacts.models import Contact
from concierge.core.errors import NotFound, ServiceError
from concierge.workspaces.access import teammate_page
from concierge.workspaces.services import Actor

CONTACTS_PER_PAGE = 50
MAX_SEARCH_LENGTH = 200
KIND_CHOICES = [("", "Everyone"), (Contact.Kind.USER, "Users"), (Contact.Kind.LEAD, "Leads")]


def attributes_for_display(attributes: dict) -> list[tuple[str, str]]:
    """Free-form attributes as name/text pairs, sorted; nested values shown as JSON."""
    shown = []
    for name, value in sorted(attributes.items()):
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        shown.append((name, text))
    return shown


@dataclass(frozen=True)
class ContactPanel:
    """A section of a contact's page: a template, and the context it is rendered with."""

    template: str
    context: Callable[[HttpRequest, Contact], dict]


_panels: list[ContactPanel] = []


def show_on_contact_page(template: str, context: Callable[[HttpRequest, Contact], dict]) -> None:
    """Add a panel to every contact's page (in the order apps add them); adding it again changes nothing."""
    panel = ContactPanel(template, context)
    if panel not in _panels:
        _panels.append(panel)


@teammate_page
def contact_list(request):
    search = request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
    kind = request.GET.get("kind", "")
    if kind not in Contact.Kind.values:
        kind = ""
    found = selectors.contacts_with_conversation_counts(request.workspace, search=search, kind=kind or None)
    page = Paginator(found, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "search": search,
        "kind": kind,
        "kind_choices": KIND_CHOICES,
        "list_query": query.urlencode(),
        "section": "contacts",
    }
    wants_rows = (
        request.htmx and not request.htmx.history_restore_request and request.htmx.target == "contact-results"
    )
    template = "contacts/_results.html" if wants_rows else "contacts/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _contact_or_404(request, contact_id: int) -> Contact:
    try:
        return selectors.contact_by_id(request.workspace, contact_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@teammate_page
def contact_page(request, contact_id: int):
    contact = _contact_or_404(request, contact_id)
    context = {
        "contact": contact,
        "merged_into": contact.merged_into if contact.merged_into_id else None,
        "attributes": attributes_for_display(contact.attributes),
        "panels": [(panel.template, panel.context(request, contact)) for panel in _panels],
        "section": "contacts",
    }
    return render(request, "contacts/detail.html", context)


@teammate_page
def contact_edit(request, contact_id: int):
    """A teammate edits the contact's name, email address and attributes (contacts.services.edit_contact);
    a refused value shows the form again with what was typed and the reason, and changes nothing."""
    contact = _contact_or_404(request, contact_id)
    error, status = None, 200
    typed = {
        "name": contact.name,
        "email": contact.email,
        "attributes": attributes_as_text(contact.attributes),
    }
    if request.method == "POST":
        typed = {key: request.POST.get(key, "") for key in typed}
        try:
            services.edit_contact(
                contact,
                actor=Actor.for_teammate(request.teammate),
                name=typed["name"],
                email=typed["email"],
                attributes=attributes_from_text(typed["attributes"], contact.attributes),
            )
        except ServiceError as exc:
            error, status = exc, exc.status_code
        else:
            return redirect("web:contact", request.workspace.slug, contact.pk)
    context = {
        "contact": contact,
        "typed": typed,
        "error": error,
        "kept_attributes": attributes_for_display(
            {name: value for name, value in contact.attributes.items() if is_nested(value)}
        ),
        "section": "contacts",
    }
    return render(request, "contacts/edit.html", context, status=status)
