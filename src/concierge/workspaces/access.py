"""Who may see a workspace's pages: its active teammates. Anyone else gets a 404, never a hint."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from concierge.core.errors import NotFound
from concierge.workspaces.selectors import teammate_of_user, workspace_by_slug


def teammate_page(view):
    """For views under /w/<slug>/: sets request.workspace and request.teammate, or refuses."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            workspace = workspace_by_slug(slug)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        teammate = teammate_of_user(workspace, request.user)
        if teammate is None:
            raise Http404("No such workspace.")
        request.workspace = workspace
        request.teammate = teammate
        return view(request, *args, **kwargs)

    return wrapper
