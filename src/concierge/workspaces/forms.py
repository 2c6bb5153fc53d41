"""The audit trail page's filters: what changed, who changed it, and which days (the reader's)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms

from concierge.core.errors import InvalidInput
from concierge.workspaces.display import THINGS


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
