"""The pages a proactive email's links open, for whoever holds the email (no sign-in): the token in
the address is the key (outbound.tracking). A forged or altered token, or one of another workspace,
is a 404 that records nothing.

- the open pixel: a 1×1 GIF that is never cached, so each fetch reaches the server (an open counted
  as approximate: see outbound.services.engagement);
- a tracked link: records the click and redirects to the address the token was signed for, and
  nowhere else;
- the unsubscribe page: a button, and one-click unsubscribe (RFC 8058: the mail client posts
  `List-Unsubscribe=One-Click` to the same address, without a session, so the page takes a POST
  without a CSRF token; the token in the address is what authorises it). Opening the page (a link
  scanner does) unsubscribes nobody.
"""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from concierge.core.errors import NotFound
from concierge.outbound import tracking
from concierge.outbound.selectors.engagement import contact_of_link, delivery_of_link, is_unsubscribed
from concierge.outbound.services.engagement import record_click, record_open
from concierge.outbound.services.settings import unsubscribe
from concierge.workspaces.selectors import workspace_by_slug

# A transparent 1×1 GIF.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
NOT_VALID = "This link is not valid."


def _workspace_or_404(workspace_slug: str):
    try:
        return workspace_by_slug(workspace_slug)
    except NotFound as exc:
        raise Http404(NOT_VALID) from exc


def _never_cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Pragma"] = "no-cache"
    response["Expires"] = "0"
    # The token is in the address: never sent on as a referrer, never indexed.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "HEAD"])
def open_pixel(request, workspace_slug: str, token: str):
    workspace = _workspace_or_404(workspace_slug)
    delivery = delivery_of_link(workspace, tracking.delivery_of_open_token(workspace.pk, token))
    if delivery is None:
        raise Http404(NOT_VALID)
    if request.method == "GET":
        record_open(delivery, approximate=True)
    return _never_cached(HttpResponse(PIXEL, content_type="image/gif"))


@require_http_methods(["GET", "HEAD"])
def follow_link(request, workspace_slug: str, token: str):
    workspace = _workspace_or_404(workspace_slug)
    found = tracking.click_of_token(workspace.pk, token)
    delivery = delivery_of_link(workspace, found[0] if found else None)
    if delivery is None:
        raise Http404(NOT_VALID)
    url = found[1]
    if request.method == "GET":  # a HEAD is a link checker's, not a person's click
        record_click(delivery, url)
    return _never_cached(HttpResponseRedirect(url))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, workspace_slug: str, token: str):
    workspace = _workspace_or_404(workspace_slug)
    contact = contact_of_link(workspace, tracking.contact_of_unsubscribe_token(workspace.pk, token))
    if contact is None:
        raise Http404(NOT_VALID)
    if request.method == "POST":
        unsubscribe(contact)
    with translation.override(contact.locale or workspace.locale or "en"):
        response = render(
            request,
            "outbound/unsubscribe.html",
            {"workspace": workspace, "contact": contact, "unsubscribed": is_unsubscribed(workspace, contact)},
        )
    return _never_cached(response)
