"""Shapes of the teammates' page forms. They only parse what was posted; every rule lives in the
services, whose errors the pages show next to the form."""

from datetime import date, timedelta

from django import forms

from concierge.core.forms import DateField, DateTimeField, ObjectIdField
from concierge.meetings.models import SessionType
from concierge.meetings.services.booking import DECLINE_REASONS


class NotesForm(forms.Form):
    notes = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6}))


class ChecklistItemForm(forms.Form):
    index = forms.IntegerField(min_value=0, max_value=100)
    done = forms.BooleanField(required=False)


class ResendEmailForm(forms.Form):
    email = ObjectIdField()


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(choices=[(key, label.capitalize()) for key, label in DECLINE_REASONS.items()])
    message = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Told to the customer by email, with the slot freed.",
    )


class NoShowForm(forms.Form):
    side = forms.ChoiceField(choices=[("customer", "The customer"), ("agent", "The agent")])


class FollowUpForm(forms.Form):
    recap = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    articles = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One help article per line: a URL, or 'Title | URL'.",
    )
    next_steps = forms.CharField(required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))

    def article_links(self) -> list[dict]:
        links = []
        for line in self.cleaned_data.get("articles", "").splitlines():
            line = line.strip()
            if not line:
                continue
            title, _, url = line.rpartition("|")
            links.append({"title": title.strip() or url.strip(), "url": url.strip()})
        return links


class FeedbackForm(forms.Form):
    product_usage = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How they use the product",
    )
    important_features = forms.CharField(
        required=False, max_length=2000, label="Features that matter most", help_text="Comma-separated."
    )
    missing_features = forms.CharField(
        required=False, max_length=2000, label="Features they miss", help_text="Comma-separated."
    )
    activity_area = forms.CharField(required=False, max_length=120, label="Activity area")
    company_size = forms.CharField(required=False, max_length=120, label="Company size")
    role = forms.CharField(required=False, max_length=120, label="Role")
    region = forms.CharField(required=False, max_length=120, label="Country or region")
    age_range = forms.CharField(required=False, max_length=120, label="Age range")

    DEMOGRAPHICS = ("company_size", "role", "region", "age_range")

    def demographics(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.DEMOGRAPHICS if self.cleaned_data.get(key)}


class SessionTypeForm(forms.Form):
    name = forms.CharField(max_length=120)
    topic = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    length_minutes = forms.IntegerField(initial=30, min_value=1, max_value=10_000)
    slot_step_minutes = forms.IntegerField(initial=30, min_value=1, max_value=10_000)
    buffer_after_minutes = forms.IntegerField(initial=10, min_value=0, max_value=10_000)
    minimum_notice_minutes = forms.IntegerField(initial=240, min_value=0, max_value=100_000)
    horizon = forms.ChoiceField(choices=SessionType.Horizon.choices, initial=SessionType.Horizon.DAYS)
    horizon_days = forms.IntegerField(initial=14, min_value=1, max_value=10_000)
    on_demand_hours = forms.IntegerField(initial=4, min_value=1, max_value=10_000)
    channel = forms.ChoiceField(choices=SessionType.Channel.choices)
    meeting_link_template = forms.CharField(
        required=False, max_length=500, help_text="e.g. https://meet.example.com/acme-{code}"
    )
    hosts = forms.TypedMultipleChoiceField(coerce=int, required=False)
    host_team = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, teammates=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hosts"].choices = [(t.pk, t.name) for t in teammates]
        self.fields["host_team"].choices = [("", "— a pool of teammates —")] + [(t.pk, t.name) for t in teams]


class TriggerForm(forms.Form):
    session_type = forms.IntegerField(min_value=1)
    place = forms.CharField(max_length=120, help_text="Where it is offered, e.g. 'setup page'.")
    kind = forms.ChoiceField(
        choices=[("product_button", "Button in the product"), ("email_link", "Link in an email")]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class IntakeQuestionForm(forms.Form):
    """A question the booking page asks before the session."""

    label = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(
        choices=[("text", "Free text"), ("choice", "One of a few choices"), ("url", "A web address")],
        label="Answered with",
    )
    choices = forms.CharField(
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a choice question: one choice per line.",
    )
    required = forms.BooleanField(required=False, initial=True, label="The customer must answer")
    key = forms.CharField(
        required=False,
        max_length=60,
        help_text="How answers and rules name the question; made from the question when left empty.",
    )

    def choice_list(self) -> list[str]:
        choices = _lines(self.cleaned_data.get("choices", ""))
        if len(choices) > 30:
            raise forms.ValidationError("A question offers at most 30 choices.")
        return choices


RULE_OPERATORS = [
    ("equals", "is"),
    ("not_equals", "is not"),
    ("in", "is one of"),
    ("not_in", "is none of"),
    ("contains", "contains"),
    ("missing", "is not given"),
]


class EligibilityRuleForm(forms.Form):
    """A condition that makes a customer ineligible, and what they are told instead."""

    source = forms.ChoiceField(
        choices=[("answer", "An intake answer"), ("attribute", "A contact attribute")], label="When"
    )
    key = forms.CharField(
        max_length=120, help_text="The question's key, or the contact attribute's name (e.g. plan)."
    )
    operator = forms.ChoiceField(choices=RULE_OPERATORS)
    value = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For 'is one of' and 'is none of': one value per line.",
    )
    message = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Tell the customer",
        help_text="Shown on the booking page instead of the times.",
    )
    alternative_url = forms.CharField(
        required=False, max_length=500, label="Where to go instead", help_text="An address or a path."
    )
    alternative_label = forms.CharField(required=False, max_length=120, label="That link's text")

    def rule_value(self):
        """What the service expects: a list for 'one of' / 'none of', nothing for 'is not given', else
        one value (None when left empty, so the service says a value is needed)."""
        operator = self.cleaned_data["operator"]
        value = self.cleaned_data.get("value", "")
        if operator in ("in", "not_in"):
            return _lines(value)
        if operator == "missing":
            return None
        return value.strip() or None


PERIODS = {"7": 7, "30": 30, "90": 90}


class PeriodForm(forms.Form):
    """Last 7 / 30 / 90 days, or a custom range of local dates."""

    period = forms.ChoiceField(
        choices=[("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("custom", "Custom")],
        required=False,
    )
    start = DateField(required=False, label="From")
    end = DateField(required=False, label="To")

    def dates(self, today: date) -> tuple[date, date]:
        period = self.cleaned_data.get("period") or "30"
        if period == "custom" and self.cleaned_data.get("start") and self.cleaned_data.get("end"):
            return self.cleaned_data["start"], self.cleaned_data["end"]
        days = PERIODS.get(period, 30)
        return today - timedelta(days=days - 1), today


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_day_hours(text: str) -> list[tuple[str, str]]:
    """'09:00-12:00, 13:00-17:00' -> [('09:00', '12:00'), ('13:00', '17:00')]; '' -> [] (off)."""
    intervals = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        start, dash, end = part.replace("–", "-").partition("-")
        if not dash or not start.strip() or not end.strip():
            raise forms.ValidationError(f"'{part}' is not a range like 09:00-17:00.")
        intervals.append((start.strip(), end.strip()))
    return intervals


class WeeklyHoursForm(forms.Form):
    """One text per weekday: '09:00-17:00', or several ranges separated by commas; empty is off."""

    timezone = forms.ChoiceField(label="Time zone of these hours")

    def __init__(self, *args, zone_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = list(zone_choices)
        for day in WEEKDAY_FIELDS:
            self.fields[day] = forms.CharField(required=False, max_length=200, label=day.capitalize())

    def clean(self):
        cleaned = super().clean()
        for day in WEEKDAY_FIELDS:
            try:
                cleaned[f"{day}_intervals"] = parse_day_hours(cleaned.get(day, ""))
            except forms.ValidationError as error:
                self.add_error(day, error)
        return cleaned

    def hours(self) -> list[tuple[str, str, str]]:
        return [
            (day, start, end)
            for day in WEEKDAY_FIELDS
            for start, end in self.cleaned_data[f"{day}_intervals"]
        ]


class DateOverrideForm(forms.Form):
    date = DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.CharField(
        required=False, max_length=200, help_text="e.g. 10:00-14:00; leave empty to be off all day."
    )

    def intervals(self) -> list[tuple[str, str]]:
        return parse_day_hours(self.cleaned_data.get("hours", ""))


class TimeOffForm(forms.Form):
    """Local date and time in the teammate's own zone."""

    starts = DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="From")
    ends = DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Until")
    reason = forms.CharField(required=False, max_length=200)
