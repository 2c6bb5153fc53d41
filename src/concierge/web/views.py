"""Sign-in, sign-out, a forgotten password, the way from the site's root to a teammate's workspace,
and a person's own account: their profile, their password, their sessions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from concierge.core.errors import ServiceError, TooManyAttempts
from concierge.core.throttling import duration_in_words
from concierge.web.forms import AccountPasswordForm, ProfileForm
from concierge.web.sign_in import NewPasswordForm, ResetRequestForm, SignInForm, take_reset_request
from concierge.workspaces.access import teammate_page
from concierge.workspaces.selectors import workspaces_of_user
from concierge.workspaces.services import Actor, end_other_sessions, set_account_password, update_teammate


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


class ResetRequestView(auth_views.PasswordResetView):
    """ "Forgot your password?": an email address in, the same answer whether or not it is known."""

    template_name = "web/password_reset.html"
    form_class = ResetRequestForm
    subject_template_name = "web/emails/password_reset_subject.txt"
    email_template_name = "web/emails/password_reset.txt"
    success_url = reverse_lazy("web:password_reset_sent")

    @property
    def extra_email_context(self):
        # Links in the email name the site's own address, never the Host header of the request.
        return {
            "public_url": settings.PUBLIC_URL,
            "valid_for": duration_in_words(settings.PASSWORD_RESET_TIMEOUT),
        }

    def form_valid(self, form):
        try:
            take_reset_request(self.request, form.cleaned_data["email"])
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class NewPasswordView(auth_views.PasswordResetConfirmView):
    """The emailed link: a new password, twice. A link used already, expired, or not made for this
    account shows a page that says so."""

    template_name = "web/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("web:password_reset_complete")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["valid_for"] = duration_in_words(settings.PASSWORD_RESET_TIMEOUT)
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["valid_for"] = duration_in_words(settings.PASSWORD_RESET_TIMEOUT)
        return context


reset_request_view = ResetRequestView.as_view()
reset_sent_view = ResetSentView.as_view()
new_password_view = NewPasswordView.as_view()
reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/password_reset_complete.html"
)


def _account_page(request, *, profile=None, password=None, status=200):
    teammate = request.teammate
    context = {
        "section": "account",
        "profile_form": profile or ProfileForm(teammate=teammate),
        "password_form": password or AccountPasswordForm(request.user),
        "email": request.user.email or request.user.get_username(),
    }
    return render(request, "web/account.html", context, status=status)


@teammate_page
@require_GET
def account(request):
    """Your account: your profile in this workspace, your password, your sessions."""
    return _account_page(request)


@teammate_page
@require_POST
def update_profile(request):
    teammate = request.teammate
    form = ProfileForm(request.POST, teammate=teammate)
    if form.is_valid():
        data = form.cleaned_data
        try:
            update_teammate(
                teammate,
                name=data["name"],
                initials=data["initials"],
                timezone_name=data["timezone"],
                locale=data["locale"],
                actor=Actor.for_teammate(teammate),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("web:account", request.workspace.slug)
    return _account_page(request, profile=form, status=422)


@teammate_page
@require_POST
def change_password(request):
    form = AccountPasswordForm(request.user, request.POST)
    if not form.is_valid():
        throttled = any(error.code == "throttled" for error in form.errors.as_data().get("old_password", []))
        return _account_page(request, password=form, status=429 if throttled else 422)
    set_account_password(request.user, form.cleaned_data["new_password1"])
    # The new password ends every other session; this one stays signed in.
    update_session_auth_hash(request, request.user)
    messages.success(request, "Your password is changed. Every other session of yours is signed out.")
    return redirect("web:account", request.workspace.slug)


@teammate_page
@require_POST
def sign_out_elsewhere(request):
    ended = end_other_sessions(request.user, keep_session_key=request.session.session_key)
    if ended:
        plural = "s" if ended != 1 else ""
        text = f"Signed out of {ended} other session{plural}. This one stays signed in."
    else:
        text = "You were not signed in anywhere else."
    messages.success(request, text)
    return redirect("web:account", request.workspace.slug)
