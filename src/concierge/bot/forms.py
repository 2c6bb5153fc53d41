"""What the bot page reads from a request: the period, a question to try, and the settings."""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from concierge.bot.selectors import MAX_QUESTION_LENGTH
from concierge.workspaces.models import Workspace

PRESETS = [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days")]
LONGEST_PERIOD_DAYS = 366
CHANNEL_CHOICES = [
    ("messenger", "Messenger"),
    ("api", "Conversations started through the API"),
    ("email", "Email"),
]


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    preset: str  # "7", "30", "90" or "custom"


def workspace_today(workspace: Workspace) -> date:
    return timezone.now().astimezone(ZoneInfo(workspace.timezone or "UTC")).date()


class PeriodForm(forms.Form):
    """`?period=7|30|90` or `?from=YYYY-MM-DD&to=YYYY-MM-DD`; nothing means the last 30 days."""

    period = forms.ChoiceField(choices=[*PRESETS, ("custom", "Custom")], required=False)
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, data, *, workspace: Workspace):
        data = {
            "period": data.get("period", ""),
            "date_from": data.get("from", ""),
            "date_to": data.get("to", ""),
        }
        super().__init__(data)
        self.workspace = workspace

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if (start is None) != (end is None):
            raise forms.ValidationError("Give both dates of a custom period, from and to.")
        if start and end:
            if end < start:
                raise forms.ValidationError("The period ends before it starts.")
            if (end - start).days + 1 > LONGEST_PERIOD_DAYS:
                raise forms.ValidationError(f"A period is at most {LONGEST_PERIOD_DAYS} days.")
        return cleaned

    def chosen(self) -> Period:
        today = workspace_today(self.workspace)
        if self.is_valid() and self.cleaned_data.get("date_from"):
            return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"], "custom")
        preset = self.cleaned_data.get("period") if self.is_valid() else ""
        preset = preset if preset in dict(PRESETS) else "30"
        return Period(today - timedelta(days=int(preset) - 1), today, preset)


class TryForm(forms.Form):
    question = forms.CharField(max_length=MAX_QUESTION_LENGTH, strip=True)
    locale = forms.CharField(max_length=20, required=False, strip=True)


class BotSettingsForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Answer new conversations automatically")
    assume_resolved_after_minutes = forms.IntegerField(
        min_value=1,
        max_value=7 * 24 * 60,
        label="Assume resolved after (minutes)",
        help_text="A customer who writes nothing more for this long after an answer is counted as helped.",
    )
    answer_threshold = forms.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        label="Answer when at least this sure (0–1)",
        help_text="Empty: the engine's default.",
    )
    suggest_threshold = forms.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        label="Suggest articles when at least this sure (0–1)",
        help_text="Empty: the engine's default. Below it the bot stays silent.",
    )
    channels = forms.MultipleChoiceField(
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Answer conversations started in",
    )

    @classmethod
    def of(cls, settings) -> "BotSettingsForm":
        return cls(
            initial={
                "enabled": settings.enabled,
                "assume_resolved_after_minutes": settings.assume_resolved_after_minutes,
                "answer_threshold": settings.answer_threshold,
                "suggest_threshold": settings.suggest_threshold,
                "channels": list(settings.channels),
            }
        )
