"""Sign-in with throttled password guessing, for the sign-in page and the admin's; a forgotten
password reset by email.

Failures are counted per account (the email typed, known or not, so the answer never tells whether
an account exists) and per client address. Per account: three free tries, then a growing wait, and
after ten failures in a row the account is locked for an hour — even the right password is refused
— and every further failure locks it again. Per address: ten free, a growing wait, locked for an hour
after thirty (one address trying many accounts). A successful sign-in ends the account's run; a new
password (a reset by email, `concierge changepassword`, the admin) ends it too, because the run is
tied to a fingerprint of the password it was counted against; a reset by email also forgets the run.

A reset is asked for by email address. The answer is the same whether or not an account uses the
address (the email goes only to an account that does), and asking is limited per address typed and
per client, so the form can neither find accounts nor flood someone's mailbox. The emailed link is
Django's signed token: it names the account and its password, so it works once (the new password
voids it), and not after PASSWORD_RESET_TIMEOUT.
"""

import unicodedata
from datetime import timedelta

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.crypto import salted_hmac

from concierge.core.throttling import RateLimit, Throttle, client_address, longest_refusal, runs_of
from concierge.workspaces.services import set_account_password

HOW_TO_UNLOCK = (
    "Resetting your password unlocks it at once: choose “Forgot your password?” below to get a "
    "link by email, or ask whoever runs Concierge for your team to set you a new one."
)
SIGN_IN_ACCOUNT = Throttle(
    scope="sign-in:account",
    wait_message="Too many failed sign-ins for this account. Wait {wait} and try again.",
    locked_message=(
        "This account is locked for {wait} after {failures} failed sign-ins in a row. " + HOW_TO_UNLOCK
    ),
    free_failures=3,
    lock_after=10,
    lock_for=timedelta(hours=1),
)
SIGN_IN_ADDRESS = Throttle(
    scope="sign-in:address",
    wait_message="Too many failed sign-ins from your network. Wait {wait} and try again.",
    locked_message=(
        "Sign-in from your network is paused for {wait} after {failures} failed attempts. If you know "
        "your password, try again then; if not, reset it by email (“Forgot your password?” below)."
    ),
    free_failures=10,
    lock_after=30,
    lock_for=timedelta(hours=1),
)


def password_stamp(user) -> str:
    """A fingerprint of the user's current password: a new password gives a new stamp."""
    if user is None:
        return ""
    return salted_hmac("concierge.sign-in-throttle", user.password).hexdigest()[:32]


def account_key(username: str) -> str:
    return username.strip().lower()


class ThrottledSignIn:
    """Mixed into Django's authentication forms: refuses an attempt made too soon (a form error that
    says how long to wait or how to unlock), counts a failure, ends the run on success."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        account = account_key(username)
        address = client_address(self.request)
        user = get_user_model()._default_manager.filter(username=username).first()
        stamp = password_stamp(user)
        account_run, address_run = runs_of((SIGN_IN_ACCOUNT, account), (SIGN_IN_ADDRESS, address))
        refusal = longest_refusal(
            SIGN_IN_ACCOUNT.refusal_for(account_run, stamp=stamp), SIGN_IN_ADDRESS.refusal_for(address_run)
        )
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            SIGN_IN_ACCOUNT.failed(account, stamp=stamp)
            SIGN_IN_ADDRESS.failed(address)
            raise
        SIGN_IN_ACCOUNT.succeeded(account)
        return cleaned


class SignInForm(ThrottledSignIn, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    pass


# Reset emails asked for: per address typed (known or not, so the limit tells nothing) and per client.
RESET_REQUESTS = RateLimit(
    scope="password-reset",
    message="Too many password reset emails were asked for. Wait {wait} and try again.",
)
RESETS_PER_EMAIL_PER_HOUR = 3
RESETS_PER_CLIENT_PER_HOUR = 20


def take_reset_request(request, email: str) -> None:
    """Count one reset email asked for, or raise TooManyAttempts."""
    RESET_REQUESTS.take(f"email:{account_key(email)}", limit=RESETS_PER_EMAIL_PER_HOUR)
    RESET_REQUESTS.take(f"client:{client_address(request)}", limit=RESETS_PER_CLIENT_PER_HOUR)


class ResetRequestForm(PasswordResetForm):
    """Django's reset form, reaching every active account with the address: one that never had a
    password (a teammate added without one) sets its first password this way."""

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        found = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        # As Django's own: the stored address must equal the typed one once both are case-folded, so
        # a look-alike address that the database's comparison takes for it gets no link.
        return (user for user in found if _same_address(email, getattr(user, email_field)))


def _same_address(typed: str, stored: str) -> bool:
    def folded(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    return folded(typed) == folded(stored)


class NewPasswordForm(SetPasswordForm):
    """The new password chosen from the emailed link: set through the service, and the account's run
    of failed sign-ins forgotten, so a locked account opens at once."""

    def save(self, commit=True):
        set_account_password(self.user, self.cleaned_data["new_password1"])
        SIGN_IN_ACCOUNT.succeeded(account_key(self.user.get_username()))
        return self.user
