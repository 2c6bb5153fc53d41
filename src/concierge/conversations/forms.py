"""What the inbox pages read from a request: the list's filters and the actions' inputs.

Each reader returns clean values or raises the same errors the services raise (InvalidInput, NotFound),
so a page shows one kind of form error whichever layer refused the input.
"""

import copy
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape as escape_text
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import mark_safe

from concierge.conversations import selectors
from concierge.conversations.models import Conversation
from concierge.core.dates import check_instant
from concierge.core.errors import InvalidInput
from concierge.core.forms import parse_object_id
from concierge.core.zones import babel_locale
from concierge.workspaces import selectors as workspace_selectors
from concierge.workspaces.kept import kept_for
from concierge.workspaces.models import Team, Teammate, Workspace


def escape(value) -> str:
    """Django's escape without its SafeString wrapper (the filters escape a hundred values a request)."""
    return escape_text(str(value))


SORT_CHOICES = [("", "Latest activity"), ("due", "Answer due soonest"), ("priority", "Most urgent first")]
STATE_CHOICES = [("open", "Open"), ("snoozed", "Snoozed"), ("closed", "Closed"), ("all", "All states")]
PRIORITY_CHOICES = [("", "Any priority"), *((p.value, p.label) for p in Conversation.Priority)]
CHANNEL_CHOICES = [("", "Any channel"), *((c.value, c.value.capitalize()) for c in Conversation.Channel)]
MAX_SEARCH_LENGTH = 200


class QuickSelect(forms.Select):
    """A select drawn in Python: the inbox draws seven on every list request, and Django's widget
    templates cost several times this (docs/inbox.md, "Speed"). Flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) == chosen else ""}>'
            f"{escape(label)}</option>"
            for choice, label in self.choices
        )
        return mark_safe(  # noqa: S308 (names, values and labels escaped above)
            f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>{options}</select>'
        )


class QuickTextInput(forms.TextInput):
    """A text input drawn in Python, as Django's widget template draws it (QuickSelect's reason)."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(value)}"'
        return mark_safe(  # noqa: S308 (name, value and attributes escaped)
            f'<input type="{escape(self.input_type)}" name="{escape(name)}"{shown}'
            f"{_attributes(self.build_attrs(self.attrs, attrs))}>"
        )


class QuickChoiceField(forms.ChoiceField):
    """A choice field of flat choices (value and label pairs) taken as they are, with a QuickSelect:
    the inbox makes its filter form on every list request, and Django's deep copy of each field and
    its normalizing of every choice cost as much as drawing them."""

    widget = QuickSelect

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.widget = copy.copy(self.widget)
        copied.widget.attrs = dict(self.widget.attrs)
        memo[id(self)] = copied
        return copied

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = self.widget.choices = tuple(value)


def _attributes(attrs: dict) -> str:
    """HTML attributes in their order, as Django's widget template writes them (True: the name
    alone; False: left out), every name and value escaped."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@dataclass(frozen=True)
class FilterChoices:
    assignees: tuple[tuple[str, str], ...]
    teams: tuple[tuple[str, str], ...]
    tags: tuple[tuple[str, str], ...]
    # The same tags by id, with their place in name order: what names the list rows' tags.
    tags_by_id: dict[int, tuple[int, str]]


def filter_choices(workspace: Workspace) -> FilterChoices:
    """The assignee, team and tag filters' choices: the workspace's active teammates, teams and tags.
    Only audited set-up changes change them, so they are kept per process (workspaces.kept)."""
    return kept_for(workspace, "inbox.filter_choices", lambda: _read_filter_choices(workspace))


def _read_filter_choices(workspace: Workspace) -> FilterChoices:
    tags_by_id = selectors.tags_in_name_order(workspace)
    return FilterChoices(
        assignees=(
            ("", "Anyone"),
            ("me", "Me"),
            ("unassigned", "Unassigned"),
            *((str(pk), name) for pk, name in workspace_selectors.active_teammate_names(workspace)),
        ),
        teams=(
            ("", "Any team"),
            *((str(pk), name) for pk, name in workspace_selectors.team_names(workspace)),
        ),
        tags=(("", "Any tag"), *((name, name) for _, name in sorted(tags_by_id.values()))),
        tags_by_id=tags_by_id,
    )


class InboxFilterForm(forms.Form):
    """The inbox list's filters. Every choice is one of this workspace's own teammates, teams and tags."""

    q = forms.CharField(
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        label="Search",
        widget=QuickTextInput(
            attrs={"type": "search", "placeholder": "Search conversations", "autocomplete": "off"}
        ),
    )
    state = QuickChoiceField(choices=STATE_CHOICES, required=False)
    assignee = QuickChoiceField(required=False)
    team = QuickChoiceField(required=False)
    tag = QuickChoiceField(required=False)
    priority = QuickChoiceField(choices=PRIORITY_CHOICES, required=False)
    channel = QuickChoiceField(choices=CHANNEL_CHOICES, required=False)
    sort = QuickChoiceField(choices=SORT_CHOICES, required=False)

    def __init__(self, data, *, workspace: Workspace, teammate: Teammate):
        if data is not None and (data.get("q") or "").strip() and not data.get("state"):
            data = data.copy()
            data["state"] = "all"  # a search looks in every state: the filter says so
        super().__init__(data)
        self.teammate = teammate
        self.choices = filter_choices(workspace)
        self.fields["assignee"].choices = self.choices.assignees
        self.fields["team"].choices = self.choices.teams
        self.fields["tag"].choices = self.choices.tags

    def fields_html(self) -> str:
        """Each filter with its label, as the list's template laid them out one by one (drawn here:
        a template loop over eight fields costs more than the fields)."""
        return mark_safe(  # noqa: S308 (labels escaped; each field escapes its own values)
            "".join(
                f'\n  <div class="filter{" filter-search" if field.name == "q" else ""}">\n'
                f'    <label for="{escape(field.id_for_label)}" class="visually-hidden">{escape(field.label)}</label>\n'
                f"    {field}\n  </div>\n  "
                for field in self
            )
        )

    def teammate_options_html(self) -> str:
        """An <option> for each active teammate of the workspace (the bulk bar's choice of assignee)."""
        return mark_safe(  # noqa: S308 (values and names escaped)
            "".join(
                f'<option value="{escape(value)}">{escape(label)}</option>'
                for value, label in self.fields["assignee"].choices
                if value and value not in ("me", "unassigned")
            )
        )

    def clean_q(self) -> str:
        query = " ".join((self.cleaned_data.get("q") or "").split())
        if any(ord(c) < 32 for c in query):
            raise forms.ValidationError("A search cannot hold control characters.")
        return query

    @property
    def query(self) -> str:
        """What to search for ("" lists without searching; call after is_valid())."""
        return self.cleaned_data.get("q") or ""

    def selector_filters(self) -> dict:
        """The arguments for `selectors.inbox` (call after is_valid()). A search looks in every
        state unless one is chosen; the plain list shows the open ones."""
        data = self.cleaned_data
        state = data.get("state") or ("all" if self.query else "open")
        assignee = data.get("assignee") or ""
        filters = {
            "state": None if state == "all" else state,
            "unassigned": assignee == "unassigned",
            "assignee_id": None,
            "team_id": int(data["team"]) if data.get("team") else None,
            "tag": data.get("tag") or None,
            "priority": data.get("priority") or None,
            "channel": data.get("channel") or None,
            "by_due": data.get("sort") == "due",
            "by_priority": data.get("sort") == "priority",
        }
        if assignee == "me":
            filters["assignee_id"] = self.teammate.pk
        elif assignee.isascii() and assignee.isdigit():
            filters["assignee_id"] = int(assignee)
        return filters


ROW_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only: "²".isdigit() is true, int("²") fails


def is_still_listed(conversation, list_query, teammate: Teammate) -> bool:
    """Whether the conversation, as it now is, still belongs in the list the teammate is looking at
    (its filters as `InboxFilterForm` reads them). Decided without a query: an action answers with
    the row to put back, or a note to take it out (closed or snoozed, it leaves the Open list at once).
    A filter value the form would refuse keeps the row: that list shows its error, not rows."""
    state = list_query.get("state") or ("all" if (list_query.get("q") or "").strip() else "open")
    if state in {"open", "snoozed", "closed"} and conversation.state != state:
        return False
    assignee = list_query.get("assignee") or ""
    if assignee == "me" and conversation.assignee_id != teammate.pk:
        return False
    if assignee == "unassigned" and conversation.assignee_id is not None:
        return False
    if ROW_ID.fullmatch(assignee) and conversation.assignee_id != int(assignee):
        return False
    team = list_query.get("team") or ""
    if ROW_ID.fullmatch(team) and conversation.team_id != int(team):
        return False
    priority = list_query.get("priority") or ""
    if priority in Conversation.Priority.values and conversation.priority != priority:
        return False
    channel = list_query.get("channel") or ""
    if channel in Conversation.Channel.values and conversation.channel != channel:
        return False
    tag = list_query.get("tag") or ""
    return not tag or any(t.name == tag for t in conversation.tags.all())


def message_from_composer(text: str | None, *, field: str = "body") -> str:
    """What a teammate typed in the composer (Markdown), refused with the composer's words when it is
    empty or too long. The services render it (keep_html=False: markup typed is shown as typed)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Write something first: the message is empty.", field=field)
    if len(text) > settings.MAX_MESSAGE_LENGTH:
        raise InvalidInput(
            f"The message is {len(text):,} characters long; the limit is {settings.MAX_MESSAGE_LENGTH:,}.",
            field=field,
        )
    return text


def snooze_presets(zone_name: str, locale: str | None) -> list[tuple[str, str]]:
    """Quick choices for the snooze form, as (label, datetime-local value) in the teammate's zone:
    in three hours, tomorrow at 9:00, next Monday at 9:00."""
    loc = babel_locale(locale)
    now = timezone.now().astimezone(ZoneInfo(zone_name)).replace(second=0, microsecond=0)
    tomorrow_morning = (now + timedelta(days=1)).replace(hour=9, minute=0)
    monday_morning = (now + timedelta(days=7 - now.weekday())).replace(hour=9, minute=0)
    choices = [
        ("In 3 hours", now + timedelta(hours=3)),
        (f"Tomorrow, {format_time(tomorrow_morning, 'short', locale=loc)}", tomorrow_morning),
        (
            f"{format_date(monday_morning, 'EEEE d MMM', locale=loc)}, {format_time(monday_morning, 'short', locale=loc)}",
            monday_morning,
        ),
    ]
    distinct = {moment.strftime("%Y-%m-%dT%H:%M"): label for label, moment in reversed(choices)}
    return sorted(((label, value) for value, label in distinct.items()), key=lambda choice: choice[1])


def snooze_until_from_text(value: str | None, zone_name: str) -> datetime:
    """A datetime-local value ('2026-03-03T14:00') read as wall-clock time in the teammate's zone."""
    try:
        chosen = datetime.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise InvalidInput("Choose the date and time to snooze until.", field="until") from exc
    if timezone.is_naive(chosen):
        chosen = chosen.replace(tzinfo=ZoneInfo(zone_name))
    chosen = check_instant(chosen, field="until")
    if chosen <= timezone.now():
        raise InvalidInput("Choose a time in the future to snooze until.", field="until")
    return chosen


def _id_from_text(value: str, *, field: str, what: str) -> int:
    return parse_object_id(value, field=field, what=what)


def assignee_from_form(workspace: Workspace, value: str | None) -> Teammate | None:
    """'' unassigns; otherwise a teammate of this workspace (another workspace's id is not found)."""
    value = (value or "").strip()
    if not value:
        return None
    return workspace_selectors.teammate_by_id(
        workspace, _id_from_text(value, field="assignee", what="teammate")
    )


def team_from_form(workspace: Workspace, value: str | None) -> Team | None:
    value = (value or "").strip()
    if not value:
        return None
    return workspace_selectors.team_by_id(workspace, _id_from_text(value, field="team", what="team"))


def tag_from_form(workspace: Workspace, value: str | None):
    """The tag to remove, by id, among this workspace's tags."""
    value = (value or "").strip()
    return selectors.tag_by_id(workspace, _id_from_text(value, field="tag", what="tag"))
