"""The workspace's settings pages under /w/<slug>/settings/: the audit trail (owners and admins)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from concierge.core.errors import ServiceError
from concierge.core.pagination import paginate
from concierge.core.zones import city_name
from concierge.workspaces.access import owners_and_admins_page
from concierge.workspaces.display import trail_by_day
from concierge.workspaces.forms import AuditFilterForm
from concierge.workspaces.selectors import AUDIT_TRAIL_ORDER, audit_trail, teammates

ENTRIES_PER_PAGE = 50


@owners_and_admins_page("Only owners and admins can read the audit trail.")
@require_GET
def audit_trail_page(request):
    """Who changed the workspace's configuration, newest first, in the reader's zone and language."""
    reader = request.teammate
    form = AuditFilterForm(
        request.GET if set(request.GET) - {"cursor"} else None, teammates=list(teammates(request.workspace))
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "section": "audit",
        "form": form,
        "days": [],
        "next_cursor": None,
        "list_query": query.urlencode(),
        "paged": bool(request.GET.get("cursor")),
        "zone_city": city_name(reader.timezone or "UTC", reader.locale),
    }
    try:
        entries = audit_trail(request.workspace, **form.filters(reader.timezone or "UTC"))
        page = paginate(
            entries, order=AUDIT_TRAIL_ORDER, cursor=request.GET.get("cursor"), limit=ENTRIES_PER_PAGE
        )
    except ServiceError as exc:
        context["error"] = exc
        return render(request, "workspaces/audit_trail.html", context, status=exc.status_code)
    context["days"] = trail_by_day(page.items, reader)
    context["next_cursor"] = page.next_cursor
    return render(request, "workspaces/audit_trail.html", context)
