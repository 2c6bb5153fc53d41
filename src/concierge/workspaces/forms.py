"""The settings pages' forms: the audit trail's filters (what changed, who changed it, which days, the
reader's), the workspace's settings, invitations, roles, teams, API keys, rotating the identity secret."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms

from concierge.core.errors import InvalidInput
from concierge.core.zones import CUSTOMER_LANGUAGES, zone_choices
from concierge.workspaces.display import THINGS
from concierge.workspaces.models import Teammate


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "Every change"), *THINGS], label="What")
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Who")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, teammates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teammates = {teammate.pk: teammate for teammate in teammates}
        self.fields["actor"].choices = [("", "Anyone")] + [
            (teammate.pk, teammate.name if teammate.is_active else f"{teammate.name} (deactivated)")
            for teammate in teammates
        ]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("From must not be after To.", code="order")
        return data

    def filters(self, zone_name: str) -> dict:
        """The audit_trail selector's filters; the days are whole days in `zone_name`. A form that is
        not valid raises InvalidInput with what is wrong."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            name, errors = next(iter(self.errors.items()))
            label = "" if name == "__all__" else f"{self.fields[name].label}: "
            raise InvalidInput(label + " ".join(errors), field=None if name == "__all__" else name)
        data, zone = self.cleaned_data, ZoneInfo(zone_name)
        return {
            "action": data["action"] or None,
            "actor_teammate": self.teammates.get(data["actor"]) if data["actor"] else None,
            "since": _start_of(data["since"], zone),
            "until": _start_of(_day_after(data["until"]), zone),
        }


def _day_after(day: date | None) -> date | None:
    if day is None or day == date.max:
        return None
    return day + timedelta(days=1)


def _start_of(day: date | None, zone: ZoneInfo) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=zone)


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(max_length=120, label="Workspace name")
    timezone = forms.ChoiceField(
        label="Time zone", help_text="Reports and the team's days are counted in it."
    )
    locale = forms.ChoiceField(label="Default language", help_text="New teammates and customers start in it.")

    def __init__(self, *args, workspace, reader_locale: str = "en", **kwargs):
        kwargs.setdefault(
            "initial", {"name": workspace.name, "timezone": workspace.timezone, "locale": workspace.locale}
        )
        super().__init__(*args, **kwargs)
        zones = list(zone_choices(reader_locale))
        if workspace.timezone not in {name for name, _ in zones}:  # "UTC", an old name: kept as it is
            zones.insert(0, (workspace.timezone, workspace.timezone))
        languages = list(CUSTOMER_LANGUAGES)
        if workspace.locale not in {code for code, _ in languages}:
            languages.insert(0, (workspace.locale, workspace.locale))
        self.fields["timezone"].choices = zones
        self.fields["locale"].choices = languages


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Email")
    name = forms.CharField(max_length=120, required=False, label="Name (optional)")
    role = forms.ChoiceField(choices=Teammate.Role.choices, initial=Teammate.Role.AGENT, label="Role")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Teammate.Role.choices, label="Role")


class NameForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name")


class TeamMemberForm(forms.Form):
    teammate = forms.TypedChoiceField(coerce=int, label="Add a teammate")

    def __init__(self, *args, teammates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teammate"].choices = [(teammate.pk, teammate.name) for teammate in teammates]


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name", help_text="What it is for, e.g. “CRM sync”.")
    teammate = forms.TypedChoiceField(coerce=int, label="Acts as")

    def __init__(self, *args, teammates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teammate"].choices = [
            (teammate.pk, f"{teammate.name} ({teammate.get_role_display().lower()})")
            for teammate in teammates
        ]


class RotateSecretForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: every user_hash made with the current secret stops working.", required=True
    )


def first_error(form: forms.Form) -> InvalidInput:
    """A form's first error as the InvalidInput a service would raise."""
    name, errors = next(iter(form.errors.items()))
    label = "" if name == "__all__" else f"{form.fields[name].label}: "
    return InvalidInput(label + " ".join(errors), field=None if name == "__all__" else name)


class MessengerSettingsForm(forms.Form):
    allowed_origins = forms.CharField(
        required=False,
        max_length=20000,
        label="Allowed origins",
        help_text="The sites that may show the messenger, one a line, as scheme://host[:port] "
        "(e.g. https://app.acme.com, or https://*.acme.com for every subdomain). Empty: any site.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "none"}),
    )
    require_verified_identity = forms.BooleanField(
        required=False,
        label="Only verified users: refuse anonymous visitors",
        help_text="Signed-in users always need a valid user_hash. With this on, visitors who are not "
        "signed in to your product cannot use the messenger either.",
    )
    greeting = forms.CharField(
        max_length=160, label="Greeting", help_text="The first words of the messenger's home."
    )
    color = forms.CharField(
        max_length=7,
        label="Colour",
        help_text="The launcher's and the messenger's header colour.",
        widget=forms.TextInput(attrs={"type": "color"}),
    )

    def __init__(self, *args, workspace, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "allowed_origins": "\n".join(workspace.messenger_allowed_origins or []),
                "require_verified_identity": workspace.messenger_require_verified_identity,
                "greeting": workspace.messenger_greeting,
                "color": workspace.messenger_color,
            },
        )
        super().__init__(*args, **kwargs)

    def origins(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]
