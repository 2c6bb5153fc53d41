"""How the audit trail page shows entries: what was done in words, each change as its old and new
value, every time in the reader's zone and language, the entries grouped by the reader's days."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from concierge.core.zones import babel_locale, format_for_person, plain_spaces
from concierge.workspaces.models import AuditEntry, Teammate

# The things a trail can be filtered by (the part of an action before its dot), as the page names them.
THINGS = (
    ("workspace", "Workspace settings"),
    ("teammate", "Teammates"),
    ("team", "Teams"),
    ("api_key", "API keys"),
    ("tag", "Tags"),
    ("session_type", "1:1 session types"),
    ("availability", "Availability"),
    ("contact", "Contacts"),
)

ACTIONS = {
    "workspace.created": "Workspace created",
    "workspace.updated": "Workspace settings changed",
    "workspace.identity_secret_rotated": "Identity secret rotated",
    "workspace.messenger_updated": "Messenger settings changed",
    "teammate.added": "Teammate added",
    "teammate.updated": "Teammate changed",
    "teammate.role_changed": "Role changed",
    "teammate.deactivated": "Teammate deactivated",
    "teammate.reactivated": "Teammate reactivated",
    "teammate.invited": "Teammate invited",
    "teammate.invite_resent": "Invitation sent again",
    "teammate.invite_cancelled": "Invitation cancelled",
    "team.created": "Team created",
    "team.renamed": "Team renamed",
    "team.deleted": "Team deleted",
    "team.member_added": "Team member added",
    "team.member_removed": "Team member removed",
    "api_key.created": "API key created",
    "api_key.revoked": "API key revoked",
    "tag.created": "Tag created",
    "tag.renamed": "Tag renamed",
    "tag.deleted": "Tag deleted",
    "session_type.created": "Session type created",
    "session_type.updated": "Session type changed",
    "session_type.activated": "Session type activated",
    "session_type.deactivated": "Session type deactivated",
    "session_type.question_added": "Intake question added",
    "session_type.question_removed": "Intake question removed",
    "session_type.rule_added": "Eligibility rule added",
    "session_type.rule_removed": "Eligibility rule removed",
    "session_type.trigger_added": "Booking link added",
    "session_type.trigger_deactivated": "Booking link deactivated",
    "availability.weekly_hours_set": "Weekly hours set",
    "availability.seasonal_hours_set": "Seasonal hours set",
    "availability.date_override_set": "Hours of a date set",
    "availability.date_override_cleared": "Hours of a date cleared",
    "availability.time_off_added": "Time off added",
    "availability.time_off_removed": "Time off removed",
    "contact.edited": "Contact edited",
}

FIELDS = {
    "timezone": "Time zone",
    "messenger_allowed_origins": "Messenger: allowed origins",
    "messenger_require_verified_identity": "Messenger: verified users only",
    "messenger_greeting": "Messenger: greeting",
    "messenger_color": "Messenger: colour",
    "locale": "Language",
    "is_active": "Active",
    "external_id": "External id",
    "acts_as": "Acts as",
    "host_team": "Host team",
    "revoked_at": "Revoked",
    "starts_at": "From",
    "ends_at": "Until",
    "meeting_link_template": "Meeting link",
    "alternative_url": "Alternative link",
    "alternative_label": "Alternative link text",
}

# The order changes are shown in (PostgreSQL keeps a JSON object's keys in an order of its own): the
# usual fields first, the days of a week in their order, the zone after them; anything else last, by name.
SHOWN_ORDER = {
    name: position
    for position, name in enumerate(
        (
            "name",
            "slug",
            "email",
            "label",
            "place",
            "role",
            "source",
            "key",
            "operator",
            "value",
            "kind",
            "member",
            "members",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "hours",
            "starts_at",
            "ends_at",
            "timezone",
            "locale",
        )
    )
}

# An instant as the trail keeps it (ISO 8601 with its offset): shown in the reader's zone instead.
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)$")
MAX_SHOWN_TEXT = 300


@dataclass(frozen=True)
class ChangeShown:
    field: str
    old: str | None  # None: there was nothing before (created)
    new: str | None  # None: there is nothing after (removed)


@dataclass
class EntryShown:
    entry: AuditEntry
    action: str
    time: SafeString
    changes: list[ChangeShown]


@dataclass
class DayShown:
    label: str
    entries: list[EntryShown] = field(default_factory=list)


def value_for_reader(value, reader: Teammate) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_for_reader(item, reader) for item in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_for_reader(item, reader)}" for key, item in value.items())
    if isinstance(value, str) and INSTANT.match(value):
        try:
            return format_for_person(datetime.fromisoformat(value), reader.timezone, reader.locale)
        except (ValueError, OverflowError):
            return value
    text = str(value)
    return text if len(text) <= MAX_SHOWN_TEXT else text[: MAX_SHOWN_TEXT - 1] + "…"


def changes_for_reader(changes: dict, reader: Teammate) -> list[ChangeShown]:
    shown = []
    in_order = sorted(changes.items(), key=lambda item: (SHOWN_ORDER.get(item[0], len(SHOWN_ORDER)), item[0]))
    for name, (old, new) in in_order:
        shown.append(
            ChangeShown(
                field=FIELDS.get(name, name.replace("_", " ").capitalize()),
                old=None if old is None else value_for_reader(old, reader),
                new=None if new is None else value_for_reader(new, reader),
            )
        )
    return shown


def trail_by_day(entries: list[AuditEntry], reader: Teammate) -> list[DayShown]:
    """The entries (newest first) under a heading per day, as the reader's calendar has it."""
    zone, locale = ZoneInfo(reader.timezone or "UTC"), babel_locale(reader.locale)
    this_year = timezone.now().astimezone(zone).year
    days: list[DayShown] = []
    for entry in entries:
        local = entry.at.astimezone(zone)
        pattern = "EEEE d MMMM" if local.year == this_year else "EEEE d MMMM y"
        label = plain_spaces(format_date(local, format=pattern, locale=locale))
        if not days or days[-1].label != label:
            days.append(DayShown(label=label))
        time = format_html(
            '<time datetime="{}" title="{}">{}</time>',
            entry.at.isoformat(),
            format_for_person(entry.at, reader.timezone or "UTC", reader.locale),
            plain_spaces(format_time(local, format="short", locale=locale)),
        )
        days[-1].entries.append(
            EntryShown(
                entry=entry,
                action=ACTIONS.get(entry.action, entry.action),
                time=time,
                changes=changes_for_reader(entry.changes, reader),
            )
        )
    return days
