"""What the report pages read from a request: the period (a preset or two dates in the workspace's zone),
the proactive filters, and a drill-down list's choice. Bad input is a form error, never a 500."""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from concierge.workspaces.models import Workspace

PRESET_DAYS = {"7": 7, "30": 30, "90": 90}
PERIOD_CHOICES = [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("custom", "Custom")]
DEFAULT_PRESET = "30"
# Far enough for any real history, near enough that the previous period's dates still exist.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(9998, 12, 31)
LONGEST_PERIOD_DAYS = 5 * 366

DATE_ERRORS = {"invalid": "Enter a real date as YYYY-MM-DD (e.g. 2026-03-01)."}


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    preset: str  # "7", "30", "90" or "custom"

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


@dataclass(frozen=True)
class ProactiveFilters:
    tag: str | None = None
    content_type: str | None = None
    sender: str | None = None

    def as_kwargs(self) -> dict:
        return {"tag": self.tag, "content_type": self.content_type, "sender": self.sender}

    def as_query(self) -> dict:
        return {name: value for name, value in self.as_kwargs().items() if value}

    @property
    def any(self) -> bool:
        return bool(self.as_query())


def workspace_today(workspace: Workspace) -> date:
    return timezone.now().astimezone(ZoneInfo(workspace.timezone or "UTC")).date()


class ReportForm(forms.Form):
    """`?period=7|30|90|custom&from=YYYY-MM-DD&to=YYYY-MM-DD&tag=…&content_type=…&sender=…`.
    Dates alone mean a custom period; nothing at all means the last 30 days."""

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)
    tag = forms.CharField(max_length=120, required=False, strip=True)
    content_type = forms.CharField(max_length=60, required=False, strip=True)
    sender = forms.CharField(max_length=120, required=False, strip=True)

    def __init__(self, data, *, workspace: Workspace):
        super().__init__(data)
        self.workspace = workspace
        # "from" is a Python keyword, so these two are declared here rather than as attributes.
        self.fields["from"] = forms.DateField(
            required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
        )
        self.fields["to"] = forms.DateField(
            required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
        )
        self.fields["from"].label = "From"
        self.fields["to"].label = "To"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        preset = data.get("period") or ("custom" if data.get("from") or data.get("to") else DEFAULT_PRESET)
        data["period"] = preset
        if preset == "custom":
            self._check_custom_dates(data.get("from"), data.get("to"))
        return data

    def _check_custom_dates(self, date_from: date | None, date_to: date | None) -> None:
        if date_from is None:
            self.add_error("from", "Choose the first day of the period.")
        if date_to is None:
            self.add_error("to", "Choose the last day of the period.")
        if date_from is None or date_to is None:
            return
        for name, value in (("from", date_from), ("to", date_to)):
            if not EARLIEST_DATE <= value <= LATEST_DATE:
                self.add_error(name, f"Choose a date from {EARLIEST_DATE:%Y} to {LATEST_DATE:%Y}.")
                return
        if date_from > date_to:
            self.add_error("to", f"The period ends ({date_to}) before it starts ({date_from}).")
        elif (date_to - date_from).days + 1 > LONGEST_PERIOD_DAYS:
            self.add_error("to", "A period can be at most 5 years long.")

    def chosen_period(self) -> Period:
        """The chosen period (call after is_valid())."""
        data = self.cleaned_data
        preset = data["period"]
        if preset == "custom":
            return Period(data["from"], data["to"], "custom")
        today = workspace_today(self.workspace)
        return Period(today - timedelta(days=PRESET_DAYS[preset] - 1), today, preset)

    def chosen_filters(self) -> ProactiveFilters:
        data = self.cleaned_data
        return ProactiveFilters(
            tag=data.get("tag") or None,
            content_type=data.get("content_type") or None,
            sender=data.get("sender") or None,
        )

    def error_messages(self) -> list[str]:
        """Every error, each naming its field, for the message above the form."""
        labels = {
            "from": "From",
            "to": "To",
            "period": "Period",
            "tag": "Tag",
            "content_type": "Content type",
        }
        messages = []
        for name, errors in self.errors.items():
            prefix = "" if name == "__all__" else f"{labels.get(name, name.replace('_', ' ').capitalize())}: "
            messages.extend(prefix + str(error) for error in errors)
        return messages


# What a drill-down list can show: the choice's value for the selector, and the list's title.
SESSION_LISTS = {
    "": "Support sessions",
    "stopped": "Sessions that stopped seeking support",
    "self_serve_tried": "Sessions that tried self-serve",
    "self_serve_resolved": "Sessions resolved by self-serve",
    "human_after_self_serve": "Sessions supported by teammates after self-serve",
    "human_from_start": "Sessions supported by teammates from the start",
    "bot_answered": "Sessions with an automated answer",
    "bot_resolved": "Sessions with a conversation resolved by an automated answer",
}
CONVERSATION_LISTS = {
    "": "Conversations in the period's sessions",
    "human_supported": "Conversations supported by teammates",
    "after_self_serve": "Conversations supported by teammates after self-serve",
    "from_start": "Conversations supported by teammates from the start",
    "bot_resolved": "Conversations resolved by an automated answer",
}
SEND_LISTS = {
    "": "Proactive messages delivered",
    "opened": "Proactive messages opened",
    "clicked": "Proactive messages clicked",
    "reacted": "Proactive messages reacted to",
}


class ListForm(ReportForm):
    """A drill-down list: the report's period and filters, and which part of the figure to list."""

    choice_name = ""
    lists: dict[str, str] = {}

    def __init__(self, data, *, workspace: Workspace):
        super().__init__(data, workspace=workspace)
        self.fields[self.choice_name] = forms.ChoiceField(
            choices=list(self.lists.items()),
            required=False,
            error_messages={"invalid_choice": "“%(value)s” is not a list this report has."},
        )

    def choice(self) -> str | None:
        return self.cleaned_data.get(self.choice_name) or None

    def title(self) -> str:
        return self.lists[self.cleaned_data.get(self.choice_name) or ""]


class SessionListForm(ListForm):
    choice_name = "status"
    lists = SESSION_LISTS


class ConversationListForm(ListForm):
    choice_name = "group"
    lists = CONVERSATION_LISTS


class SendListForm(ListForm):
    choice_name = "engagement"
    lists = SEND_LISTS
