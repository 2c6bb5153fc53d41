"""What the insights pages read from a request: the period (a preset or two dates in the workspace's
zone), a drill-down's choice, a product issue. Bad input is a form error, never a 500."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from concierge.core.errors import InvalidInput
from concierge.insights.selectors import Period, period_of
from concierge.workspaces.models import Workspace

PRESET_DAYS = {"7": 7, "30": 30, "90": 90}
PERIOD_CHOICES = [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("custom", "Custom")]
DEFAULT_PRESET = "30"
DATE_ERRORS = {"invalid": "Enter a real date as YYYY-MM-DD (e.g. 2026-03-01)."}


def workspace_today(workspace: Workspace) -> date:
    return timezone.now().astimezone(ZoneInfo(workspace.timezone or "UTC")).date()


class PeriodForm(forms.Form):
    """`?period=7|30|90|custom&from=YYYY-MM-DD&to=YYYY-MM-DD`. Dates alone mean a custom period;
    nothing at all means the last 30 days."""

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)

    def __init__(self, data, *, workspace: Workspace):
        super().__init__(data)
        self.workspace = workspace
        self.fields["from"] = forms.DateField(
            required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
        )
        self.fields["to"] = forms.DateField(
            required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        preset = data.get("period") or ("custom" if data.get("from") or data.get("to") else DEFAULT_PRESET)
        data["period"] = preset
        if preset == "custom":
            if data.get("from") is None:
                self.add_error("from", "Choose the first day of the period.")
            if data.get("to") is None:
                self.add_error("to", "Choose the last day of the period.")
            if data.get("from") and data.get("to"):
                try:
                    period_of(self.workspace, data["from"], data["to"])
                except InvalidInput as exc:
                    self.add_error(exc.field if exc.field in ("from", "to") else None, exc.message)
        return data

    def chosen_period(self) -> Period:
        data = self.cleaned_data
        if data["period"] == "custom":
            return period_of(self.workspace, data["from"], data["to"])
        today = workspace_today(self.workspace)
        return period_of(self.workspace, today - timedelta(days=PRESET_DAYS[data["period"]] - 1), today)

    @property
    def preset(self) -> str:
        return self.cleaned_data.get("period", DEFAULT_PRESET) if self.is_valid() else DEFAULT_PRESET

    @property
    def error_messages(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]


class DrillDownForm(PeriodForm):
    """The period, and which figure: a tag (`tag`), a plan of it (`plan`; "-" for no plan), or all."""

    tag = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    plan = forms.CharField(required=False, max_length=60, strip=True)


class IssueForm(forms.Form):
    title = forms.CharField(max_length=200)
    url = forms.CharField(max_length=500, required=False)
