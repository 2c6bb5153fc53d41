"""The Django admin's site: the back office of whoever runs the server (its superuser).

A workspace's owners and admins set their team up on the workspace's settings pages, where every
change goes through the same checks and audit trail as the API; the admin is for what only the
server's operator does. So the admin lets in a superuser only, and sends anyone else who is signed in
to their workspace: an owner or admin to its settings pages, another teammate to their home. Its
sign-in is throttled like the sign-in page (web.sign_in)."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from concierge.web.sign_in import AdminSignInForm
from concierge.workspaces.selectors import workspaces_run_by

NOT_FOR_TEAMMATES = (
    "The Django admin is kept for whoever runs this Concierge server. "
    "Your workspace's set-up is on its own pages."
)


class BackOffice(admin.AdminSite):
    site_header = "Concierge back office"
    site_title = "Concierge back office"
    index_title = "The server's data, for its superuser"
    login_form = AdminSignInForm

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def login(self, request, extra_context=None):
        # Every admin page sends a visitor without permission here: a signed-in teammate goes on to
        # their own pages instead of a sign-in form that cannot help them.
        if request.user.is_authenticated and not self.has_permission(request):
            messages.info(request, NOT_FOR_TEAMMATES)
            return redirect(workspace_pages_for(request.user))
        return super().login(request, extra_context)


def workspace_pages_for(user) -> str:
    """Where a signed-in person who is not the superuser sets things up: the settings pages of the
    first workspace they own or run (its home while the settings have no page of their own), else
    the site's root, which leads to their inbox."""
    workspace = workspaces_run_by(user).first()
    if workspace is None:
        return reverse("web:home")
    settings_path = f"/w/{workspace.slug}/settings/"
    try:
        resolve(settings_path)
    except Resolver404:
        return reverse("web:workspace", args=[workspace.slug])
    return settings_path
