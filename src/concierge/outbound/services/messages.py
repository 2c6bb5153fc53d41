"""Writing proactive messages (docs/outbound.md): create, change, and move through their states
(draft → scheduled/live → paused → stopped), each change audited in its transaction. Going live
hands the message to the worker (services.delivery)."""

import secrets
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.dates import RANGE_IN_WORDS, parse_wall_clock
from concierge.core.dates import parse_date as parse_calendar_date
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.core.zones import validate_locale_name
from concierge.events.services.tracking import clean_event_name
from concierge.outbound.models import Message, MessageVersion
from concierge.outbound.personalisation import check_personalisation
from concierge.outbound.selectors.audience import ATTRIBUTE_NAME, KINDS, clean_audience
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, field_values, record_audit

MAX_NAME = 190
MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_VERSIONS = 20
MAX_TAGS = 20
MAX_TAG = 60
MAX_TOOLTIPS = 20
MAX_SELECTOR = 300
MAX_PER_CONTACT = 100
MAX_GAP_DAYS = 365
MAX_GOAL_DAYS = 365
MAX_PAGE_SECONDS = 3600

# The settings a teammate changes, besides the content (versions) and the state.
SETTINGS = (
    "name",
    "content_type",
    "sender",
    "tags",
    "audience",
    "audience_kind",
    "audience_mode",
    "trigger",
    "page_url",
    "page_seconds",
    "event_name",
    "schedule_on",
    "schedule_time",
    "schedule_zone",
    "repeat",
    "repeat_until",
    "office_hours_only",
    "max_per_contact",
    "min_gap_days",
    "overrides_cap",
    "goal_kind",
    "goal_name",
    "goal_value",
    "goal_days",
    "stop_when_goal_met",
)
# What can still change on a stopped message, or on one known only from imported history.
DESCRIPTION = ("name", "content_type", "sender", "tags")

# Which state a message may move to from which.
TRANSITIONS = {
    Message.State.DRAFT: {Message.State.SCHEDULED, Message.State.LIVE, Message.State.STOPPED},
    Message.State.SCHEDULED: {
        Message.State.DRAFT,
        Message.State.LIVE,
        Message.State.PAUSED,
        Message.State.STOPPED,
    },
    Message.State.LIVE: {Message.State.PAUSED, Message.State.STOPPED},
    Message.State.PAUSED: {Message.State.LIVE, Message.State.STOPPED},
    Message.State.STOPPED: set(),
}


def new_ref() -> str:
    return f"m_{secrets.token_hex(8)}"


# Cleaning each field ------------------------------------------------------------------------------


def _choice(value, choices, field: str) -> str:
    if value not in choices:
        raise InvalidInput(f"The {field.replace('_', ' ')} is one of {', '.join(choices)}.", field=field)
    return value


def _whole(value, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(
            f"The {field.replace('_', ' ')} is a whole number from {low} to {high}.", field=field
        )
    return value


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"The {field.replace('_', ' ')} is true or false.", field=field)
    return value


def _clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str) or not isinstance(tags, list | tuple | set | frozenset):
        raise InvalidInput("The tags are a list of texts.", field="tags")
    cleaned = []
    for tag in tags:
        tag = clean_short_text(
            tag if isinstance(tag, str) else None, field="tags", max_length=MAX_TAG, required=True
        )
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"A message has at most {MAX_TAGS} tags.", field="tags")
    return cleaned


def _clean_sender(workspace: Workspace, sender) -> Teammate | None:
    if sender is None:
        return None
    if not isinstance(sender, Teammate) or sender.workspace_id != workspace.pk:
        raise InvalidInput("The sender is a teammate of this workspace.", field="sender")
    return sender


def _clean_date(value, field: str) -> date | None:
    """A day (or YYYY-MM-DD text) within the calendar's bounds (core.dates), or None."""
    if value is None:
        return None
    try:
        return parse_calendar_date(value, field=field)
    except InvalidInput:
        words = field.replace("_", " ")
        raise InvalidInput(
            f"The {words} is a date such as 2026-03-01, {RANGE_IN_WORDS}.", field=field
        ) from None


def _clean_time(value, field: str) -> time | None:
    """A wall-clock time (or '09:30' text), or None."""
    if value is None:
        return None
    try:
        return parse_wall_clock(value, field=field)
    except InvalidInput:
        words = field.replace("_", " ")
        raise InvalidInput(f"The {words} is a time of day such as 09:30.", field=field) from None


def _clean_text(value, field: str, max_length: int) -> str:
    if value is None:
        return ""
    return clean_short_text(value if isinstance(value, str) else None, field=field, max_length=max_length)


CLEANERS = {
    "name": lambda w, v: _clean_text(v, "name", MAX_NAME),
    "content_type": lambda w, v: _clean_content_type(v),
    "sender": _clean_sender,
    "tags": lambda w, v: _clean_tags(v),
    "audience": lambda w, v: clean_audience(v),
    "audience_kind": lambda w, v: _choice(v, KINDS, "audience_kind"),
    "audience_mode": lambda w, v: _choice(v, Message.AudienceMode.values, "audience_mode"),
    "trigger": lambda w, v: _choice(v, Message.Trigger.values, "trigger"),
    "page_url": lambda w, v: _clean_text(v, "page_url", 500),
    "page_seconds": lambda w, v: _whole(v, "page_seconds", 0, MAX_PAGE_SECONDS),
    "event_name": lambda w, v: clean_event_name(v) if v else "",
    "schedule_on": lambda w, v: _clean_date(v, "schedule_on"),
    "schedule_time": lambda w, v: _clean_time(v, "schedule_time"),
    "schedule_zone": lambda w, v: _choice(v, Message.ScheduleZone.values, "schedule_zone"),
    "repeat": lambda w, v: _choice(v, Message.Repeat.values, "repeat"),
    "repeat_until": lambda w, v: _clean_date(v, "repeat_until"),
    "office_hours_only": lambda w, v: _flag(v, "office_hours_only"),
    "max_per_contact": lambda w, v: _whole(v, "max_per_contact", 1, MAX_PER_CONTACT),
    "min_gap_days": lambda w, v: _whole(v, "min_gap_days", 0, MAX_GAP_DAYS),
    "overrides_cap": lambda w, v: _flag(v, "overrides_cap"),
    "goal_kind": lambda w, v: _choice(v or "", Message.GoalKind.values, "goal_kind"),
    "goal_name": lambda w, v: _clean_text(v, "goal_name", 60),
    "goal_value": lambda w, v: _clean_goal_value(v),
    "goal_days": lambda w, v: _whole(v, "goal_days", 1, MAX_GOAL_DAYS),
    "stop_when_goal_met": lambda w, v: _flag(v, "stop_when_goal_met"),
}


def _clean_content_type(value) -> str:
    # A message written here is one of the five types; an imported one may name another.
    return _choice(value, Message.ContentType.values, "content_type")


def _clean_goal_value(value):
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise InvalidInput("The goal's value is a text, a number or true/false.", field="goal_value")


def _check_together(fields: dict) -> None:
    """What one field asks of the others: a schedule needs its day and time, a goal its name, …"""
    trigger = fields["trigger"]
    if trigger == Message.Trigger.SCHEDULE and (
        fields["schedule_on"] is None or fields["schedule_time"] is None
    ):
        raise InvalidInput("A scheduled message needs its day and local time.", field="schedule_on")
    if trigger == Message.Trigger.PAGE and not fields["page_url"]:
        raise InvalidInput(
            "A message shown on a page needs the page's address (* for any).", field="page_url"
        )
    if trigger == Message.Trigger.EVENT and not fields["event_name"]:
        raise InvalidInput(
            "A message sent when an event is tracked needs the event's name.", field="event_name"
        )
    if fields["repeat_until"] and fields["schedule_on"] and fields["repeat_until"] < fields["schedule_on"]:
        raise InvalidInput("The schedule cannot end before it starts.", field="repeat_until")
    if fields["goal_kind"] and not fields["goal_name"]:
        raise InvalidInput("A goal names the event or the attribute it waits for.", field="goal_name")
    if fields["goal_kind"] == Message.GoalKind.EVENT and fields["goal_name"]:
        clean_event_name(fields["goal_name"])
    if fields["goal_kind"] == Message.GoalKind.ATTRIBUTE:
        if not ATTRIBUTE_NAME.match(fields["goal_name"]) or "__" in fields["goal_name"]:
            raise InvalidInput(
                "The goal's attribute is a name of letters, digits and single underscores.", field="goal_name"
            )
        if fields["goal_value"] is None:
            raise InvalidInput("An attribute goal needs the value that meets it.", field="goal_value")
    if fields["stop_when_goal_met"] and not fields["goal_kind"]:
        raise InvalidInput("Stopping when the goal is met needs a goal.", field="stop_when_goal_met")
    if fields["content_type"] == Message.ContentType.EMAIL and trigger == Message.Trigger.PAGE:
        raise InvalidInput("An email cannot be shown on a page; choose another trigger.", field="trigger")


def _clean_tooltips(tooltips, where: str) -> list[dict]:
    if tooltips is None:
        return []
    if not isinstance(tooltips, list) or len(tooltips) > MAX_TOOLTIPS:
        raise InvalidInput(f"The tooltips are a list of at most {MAX_TOOLTIPS}.", field=f"{where}.tooltips")
    cleaned = []
    for number, tooltip in enumerate(tooltips, start=1):
        field = f"{where}.tooltips.{number}"
        if not isinstance(tooltip, dict):
            raise InvalidInput(f'Tooltip {number} is {{"selector": ..., "body": ...}}.', field=field)
        selector = clean_short_text(
            tooltip.get("selector") if isinstance(tooltip.get("selector"), str) else None,
            field=field,
            max_length=MAX_SELECTOR,
            required=True,
        )
        body = tooltip.get("body")
        if not isinstance(body, str) or not body.strip() or len(body) > 2000:
            raise InvalidInput(f"Tooltip {number} needs a text of at most 2000 characters.", field=field)
        refuse_control_characters(body, field=field, allowed="\t\n\r")
        check_personalisation(body, field=field)
        cleaned.append({"selector": selector, "body": body.strip()})
    return cleaned


def clean_versions(versions, content_type: str) -> list[dict]:
    """[{locale, subject, body, tooltips}] checked: one per language, text within bounds, variables known."""
    if versions is None:
        return []
    if not isinstance(versions, list | tuple) or len(versions) > MAX_VERSIONS:
        raise InvalidInput(
            f"The versions are a list of at most {MAX_VERSIONS}, one per language.", field="versions"
        )
    cleaned, seen = [], set()
    for number, version in enumerate(versions, start=1):
        where = f"versions.{number}"
        if not isinstance(version, dict):
            raise InvalidInput(f'Version {number} is {{"locale": ..., "body": ...}}.', field=where)
        locale = version.get("locale")
        if not isinstance(locale, str) or not locale.strip() or len(locale) > 20:
            raise InvalidInput(f"Version {number} needs a language such as 'en'.", field=f"{where}.locale")
        locale = validate_locale_name(locale.strip(), field=f"{where}.locale")
        if locale.lower() in seen:
            raise InvalidInput(f"The language {locale} is given twice.", field=f"{where}.locale")
        seen.add(locale.lower())
        subject = _clean_text(version.get("subject"), f"{where}.subject", MAX_SUBJECT)
        body = version.get("body") or ""
        if not isinstance(body, str) or len(body) > MAX_BODY:
            raise InvalidInput(
                f"Version {number}'s text is at most {MAX_BODY:,} characters.", field=f"{where}.body"
            )
        refuse_control_characters(body, field=f"{where}.body", allowed="\t\n\r")
        check_personalisation(subject, field=f"{where}.subject")
        check_personalisation(body, field=f"{where}.body")
        tooltips = _clean_tooltips(version.get("tooltips"), where)
        if content_type == Message.ContentType.TOOLTIP_GROUP:
            if not tooltips:
                raise InvalidInput(
                    f"Version {number} of a tooltip group needs its tooltips.", field=f"{where}.tooltips"
                )
        elif not body.strip():
            raise InvalidInput(f"Version {number}'s text must not be empty.", field=f"{where}.body")
        if content_type == Message.ContentType.EMAIL and not subject:
            raise InvalidInput(f"Version {number} of an email needs a subject.", field=f"{where}.subject")
        cleaned.append(
            {
                "locale": locale,
                "subject": subject,
                "body": body.strip().replace("\r\n", "\n"),
                "tooltips": tooltips,
            }
        )
    return cleaned


def _versions_as_audited(versions) -> dict:
    return {
        v["locale"]: {"subject": v["subject"], "body": v["body"], "tooltips": v["tooltips"]} for v in versions
    }


def _current_versions(message: Message) -> list[dict]:
    return [
        {"locale": v.locale, "subject": v.subject, "body": v.body, "tooltips": v.tooltips}
        for v in message.versions.order_by("id")
    ]


def _replace_versions(message: Message, versions: list[dict]) -> None:
    message.versions.all().delete()
    MessageVersion.objects.bulk_create(
        MessageVersion(
            message=message, locale=v["locale"], subject=v["subject"], body=v["body"], tooltips=v["tooltips"]
        )
        for v in versions
    )


# The services -------------------------------------------------------------------------------------


def _defaults() -> dict:
    return {name: Message._meta.get_field(name).get_default() for name in SETTINGS if name != "sender"} | {
        "sender": None,
        "audience": {"match": "all", "rules": []},
        "tags": [],
    }


def create_message(
    workspace: Workspace,
    *,
    content_type: str,
    actor: Actor = SYSTEM,
    versions=(),
    at: datetime | None = None,
    **settings,
) -> Message:
    """A new message, a draft. `settings` are any of SETTINGS (docs/outbound.md); `versions` are
    [{"locale", "subject", "body", "tooltips"}]. Nothing is written when anything is refused."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise InvalidInput(f"Unknown settings: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    fields = _defaults() | {"content_type": content_type} | settings
    fields = {name: CLEANERS[name](workspace, value) for name, value in fields.items()}
    _check_together(fields)
    versions = clean_versions(list(versions or ()), fields["content_type"])
    at = at or timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            workspace=workspace, ref=new_ref(), created_at=at, updated_at=at, **fields
        )
        _replace_versions(message, versions)
        record_audit(
            workspace,
            "outbound_message.created",
            actor=actor,
            target=message,
            changes=changed_fields({}, fields | {"versions": _versions_as_audited(versions)}),
            at=at,
        )
    return message


def update_message(
    message: Message, *, actor: Actor = SYSTEM, at: datetime | None = None, **changes
) -> Message:
    """Change a message's settings and/or its `versions` (all of them, replaced). A stopped message,
    or one known only from imported history, keeps its content: only its name, type, sender and
    tags change."""
    unknown = set(changes) - set(SETTINGS) - {"versions"}
    if unknown:
        raise InvalidInput(f"Unknown settings: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    workspace = message.workspace
    at = at or timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("workspace").get(pk=message.pk)
        frozen = message.imported or message.state == Message.State.STOPPED
        if frozen and set(changes) - set(DESCRIPTION):
            why = "is known only from imported history" if message.imported else "is stopped"
            raise Conflict(f"This message {why}: only its name, type, sender and tags can change.")
        cleaned = {}
        for name, value in changes.items():
            if name == "versions":
                continue
            if name == "content_type" and message.imported:
                cleaned[name] = clean_short_text(
                    value if isinstance(value, str) else None, field=name, max_length=60, required=True
                )
            else:
                cleaned[name] = CLEANERS[name](workspace, value)
        before = field_values(message, SETTINGS)
        after = before | cleaned
        _check_fixed_audience_kept(message, before, after)
        if not message.imported:
            _check_together(after)
        audited_before, audited_after = dict(before), dict(after)
        if "versions" in changes:
            versions = clean_versions(changes["versions"], after["content_type"])
            audited_before["versions"] = _versions_as_audited(_current_versions(message))
            audited_after["versions"] = _versions_as_audited(versions)
        diff = changed_fields(audited_before, audited_after)
        if not diff:
            return message
        for name, value in cleaned.items():
            setattr(message, name, value)
        message.updated_at = at
        message.save()
        if "versions" in diff:
            _replace_versions(message, versions)
        record_audit(workspace, "outbound_message.changed", actor=actor, target=message, changes=diff, at=at)
    return message


def set_state(message: Message, state: str, *, actor: Actor = SYSTEM, at: datetime | None = None) -> Message:
    """Move a message to `state`: live (sent now, or from its schedule's first occurrence: then it is
    scheduled until then), scheduled, paused (nothing more goes out; pending deliveries wait), back to
    draft (from scheduled), stopped (for good). The worker is handed a live message in the same
    transaction."""
    from concierge.outbound.services.delivery import start_sending

    _choice(state, Message.State.values, "state")
    at = at or timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("workspace").get(pk=message.pk)
        if message.imported:
            raise Conflict(
                "This message is known only from imported history: it cannot be sent.", field="state"
            )
        if state == message.state:
            return message
        if state not in TRANSITIONS[message.state]:
            raise Conflict(f"A {message.state} message cannot become {state}.", field="state")
        if state in (Message.State.LIVE, Message.State.SCHEDULED):
            _check_ready_to_send(message)
        if state == Message.State.SCHEDULED and message.trigger != Message.Trigger.SCHEDULE:
            raise Conflict("Only a message with a schedule can be scheduled; make it live.", field="state")
        if (
            state == Message.State.LIVE
            and message.trigger == Message.Trigger.SCHEDULE
            and message.state == Message.State.DRAFT
        ):
            state = Message.State.SCHEDULED  # live from its first occurrence
        before = {"state": message.state}
        message.state = state
        message.updated_at = at
        if state in (Message.State.LIVE, Message.State.SCHEDULED) and message.went_live_at is None:
            message.went_live_at = at
        if state == Message.State.STOPPED:
            message.stopped_at = at
        message.save()
        record_audit(
            message.workspace,
            "outbound_message.state_changed",
            actor=actor,
            target=message,
            changes=changed_fields(before, {"state": state}),
            at=at,
        )
        if state in (Message.State.LIVE, Message.State.SCHEDULED):
            start_sending(message, at=at, first_time=before["state"] == Message.State.DRAFT)
    return message


def _check_fixed_audience_kept(message: Message, before: dict, after: dict) -> None:
    """Once a message has gone live, who is in a fixed audience was written down: neither its rules nor
    its mode can change any more (a new message can)."""
    if message.went_live_at is None:
        return
    if before["audience_mode"] != after["audience_mode"]:
        raise Conflict(
            "An audience cannot become fixed or kept up to date once it has gone live.", field="audience_mode"
        )
    if before["audience_mode"] != Message.AudienceMode.FIXED:
        return
    for name in ("audience", "audience_kind"):
        if changed_fields({name: before[name]}, {name: after[name]}):
            raise Conflict(
                "This message's audience was fixed when it went live: it cannot change now.", field=name
            )


def _check_ready_to_send(message: Message) -> None:
    versions = list(message.versions.all())
    if not versions:
        raise InvalidInput(
            "A message needs its content in at least one language before it is sent.", field="versions"
        )
    clean_versions(_current_versions(message), message.content_type)


def create_imported_message(
    workspace: Workspace,
    ref: str,
    *,
    content_type: str | None = None,
    sender: Teammate | None = None,
    sender_ref: str | None = None,
    tags=(),
    at: datetime | None = None,
) -> Message:
    """A message known only from imported history (the log's `outbound_message` record): its
    description, no content. Not audited: the import is recorded by the log itself."""
    ref = clean_short_text(ref if isinstance(ref, str) else None, field="ref", max_length=190, required=True)
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return Message.objects.create(
                workspace=workspace,
                ref=ref,
                imported=True,
                content_type=(content_type or "")[:60],
                sender=_clean_sender(workspace, sender),
                sender_ref=sender_ref,
                tags=_clean_tags(list(tags or ())),
                state=Message.State.STOPPED,
                audience={"match": "all", "rules": []},
                created_at=at,
                updated_at=at,
            )
    except IntegrityError as error:
        raise Conflict(f"A message with the id '{ref}' exists already.", field="ref") from error


def delete_message(message: Message, *, actor: Actor = SYSTEM, at: datetime | None = None) -> None:
    """A draft that never went out goes; anything sent stays, to keep its history (stop it instead)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("workspace").get(pk=message.pk)
        if message.state != Message.State.DRAFT or message.imported or message.deliveries.exists():
            raise Conflict("Only a draft that was never sent can be deleted; stop it instead.", field="state")
        record_audit(
            message.workspace,
            "outbound_message.deleted",
            actor=actor,
            target=message,
            changes={"name": [message.name, None], "content_type": [message.content_type, None]},
            at=at,
        )
        message.delete()
