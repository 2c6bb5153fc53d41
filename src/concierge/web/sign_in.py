"""Sign-in with throttled password guessing, for the sign-in page and the admin's.

Failures are counted per account (the email typed, known or not, so the answer never tells whether
an account exists) and per client address. Per account: three free tries, then a growing wait, and
after ten failures in a row the account is locked for an hour — even the right password is refused
— and every further failure locks it again. Per address: ten free, a growing wait, locked for an hour
after thirty (one address trying many accounts). A successful sign-in ends the account's run; a new
password (a reset by the owner, `concierge changepassword`, the admin, or a reset flow later) ends it
too, because the run is tied to a fingerprint of the password it was counted against.
"""

from datetime import timedelta

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.crypto import salted_hmac

from concierge.core.throttling import Throttle, client_address, longest_refusal, runs_of

HOW_TO_UNLOCK = (
    "Resetting your password unlocks it at once: ask your workspace's owner, or whoever runs "
    "Concierge for your team, to set you a new one."
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
        "your password, try again then; if not, ask your workspace's owner to set you a new one."
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


def _account_key(username: str) -> str:
    return username.strip().lower()


class ThrottledSignIn:
    """Mixed into Django's authentication forms: refuses an attempt made too soon (a form error that
    says how long to wait or how to unlock), counts a failure, ends the run on success."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        account = _account_key(username)
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
