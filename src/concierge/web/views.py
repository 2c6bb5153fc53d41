"""Sign-in, sign-out and the way from the site's root to a teammate's workspace."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from concierge.web.sign_in import SignInForm
from concierge.workspaces.access import teammate_page
from concierge.workspaces.selectors import workspaces_of_user


@login_required
def home(request):
    """Straight to the teammate's inbox, or a picker when they work in several workspaces (or none)."""
    workspaces = list(workspaces_of_user(request.user))
    if len(workspaces) == 1 and "pick" not in request.GET:
        return redirect("web:inbox", workspaces[0].slug)
    return render(request, "web/pick_workspace.html", {"workspaces": workspaces})


@teammate_page
def workspace_home(request):
    return redirect("web:inbox", request.workspace.slug)


login_view = auth_views.LoginView.as_view(
    template_name="web/login.html", authentication_form=SignInForm, redirect_authenticated_user=True
)
logout_view = auth_views.LogoutView.as_view()
