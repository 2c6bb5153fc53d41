"""The forms of a person's own account pages: their profile in the workspace, and a new password."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from concierge.core.errors import InvalidInput
from concierge.core.zones import teammate_language_choices, zone_choices
from concierge.web.sign_in import SIGN_IN_ACCOUNT, account_key, password_stamp
from concierge.workspaces.services import set_account_password
from concierge.workspaces.services.teammates import MAX_INITIALS
from concierge.workspaces.services.teammates import clean_initials as checked_initials


class ProfileForm(forms.Form):
    """What the teammate is called and shown as in this workspace, and the zone and language their
    pages speak. The service checks everything again; this form offers the choices."""

    name = forms.CharField(
        max_length=120,
        error_messages={"required": "Enter your name: your teammates and customers see it."},
    )
    initials = forms.CharField(
        required=False,
        max_length=MAX_INITIALS,
        label="Avatar initials",
        help_text="Up to three letters. Left empty, your avatar shows the initials of your name.",
        error_messages={"max_length": "Initials are at most three letters (e.g. \u201cOB\u201d)."},
        widget=forms.TextInput(attrs={"class": "input-short", "autocomplete": "off"}),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Every time on your pages is shown in this zone.",
        error_messages={"invalid_choice": "\u201c%(value)s\u201d is not a time zone Concierge knows."},
    )
    locale = forms.ChoiceField(
        label="Language",
        help_text="How dates, times and numbers are written to you.",
        error_messages={"invalid_choice": "\u201c%(value)s\u201d is not a language Concierge offers."},
    )

    def clean_initials(self):
        try:
            return checked_initials(self.cleaned_data["initials"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def __init__(self, *args, teammate, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": teammate.name,
                "initials": teammate.initials,
                "timezone": teammate.timezone,
                "locale": teammate.locale,
            },
        )
        super().__init__(*args, **kwargs)
        zones = dict(zone_choices(teammate.locale or "en"))
        zones.setdefault("UTC", "UTC (Coordinated Universal Time)")
        if teammate.timezone:
            zones.setdefault(teammate.timezone, teammate.timezone)
        self.fields["timezone"].choices = sorted(zones.items(), key=lambda item: item[1].casefold())
        self.fields["locale"].choices = teammate_language_choices(teammate.locale)


class AccountPasswordForm(PasswordChangeForm):
    """Django's change of password (the current one, then the new one twice), set through the service.
    A wrong current password counts as a failed sign-in of the account: a session left open on a
    shared computer is no way to guess the password faster than the sign-in page allows."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "That is not your current password. Type it again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = "At least 8 characters, and not a common password."
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].help_text = ""

    def clean_old_password(self):
        account, stamp = account_key(self.user.get_username()), password_stamp(self.user)
        refusal = SIGN_IN_ACCOUNT.refusal(account, stamp=stamp)
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="throttled")
        try:
            password = super().clean_old_password()
        except forms.ValidationError:
            SIGN_IN_ACCOUNT.failed(account, stamp=stamp)
            raise
        SIGN_IN_ACCOUNT.succeeded(account)
        return password

    def save(self, commit=True):
        set_account_password(self.user, self.cleaned_data["new_password1"])
        return self.user
