"""Who may see a workspace's pages: its active teammates. Anyone else gets a 404, never a hint.
Some pages are for owners and admins only: another teammate gets a 403 page that says so."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from concierge.core.errors import NotFound
from concierge.workspaces.models import Teammate
from concierge.workspaces.selectors import teammate_by_slug, workspace_by_slug

OWNERS_AND_ADMINS = frozenset({Teammate.Role.OWNER, Teammate.Role.ADMIN})


def teammate_page(view):
    """For views under /w/<slug>/: sets request.workspace and request.teammate, or refuses."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        teammate = teammate_by_slug(slug, request.user)
        if teammate is None:
            _refuse_unknown_workspace(slug)
        request.workspace = teammate.workspace
        request.teammate = teammate
        return view(request, *args, **kwargs)

    return wrapper


def _refuse_unknown_workspace(slug: str):
    """A 404 for a workspace that does not exist, or that the user is no active teammate of."""
    try:
        workspace_by_slug(slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    raise Http404("No such workspace.")


def is_owner_or_admin(teammate: Teammate) -> bool:
    return teammate.role in OWNERS_AND_ADMINS


def owners_and_admins_page(refusal: str):
    """Like teammate_page, for a page only owners and admins may open: another teammate of the
    workspace gets a 403 page saying `refusal`; anyone outside it still gets a 404."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not is_owner_or_admin(request.teammate):
                return render(request, "workspaces/forbidden.html", {"refusal": refusal}, status=403)
            return view(request, *args, **kwargs)

        return teammate_page(checked)

    return decorate
