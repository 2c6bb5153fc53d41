"""Writes for what a team offers: session types, their hosts, intake questions, eligibility rules and
booking triggers (each with its own link)."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text
from concierge.meetings.models import (
    BookingTrigger,
    EligibilityRule,
    IntakeQuestion,
    SessionType,
)
from concierge.workspaces.models import Team, Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, changed_fields, field_values, record_audit

LIMITS_MINUTES = {
    "length_minutes": (5, 8 * 60),
    "slot_step_minutes": (5, 8 * 60),
    "buffer_after_minutes": (0, 4 * 60),
    "minimum_notice_minutes": (0, 30 * 24 * 60),
}
MAX_HORIZON_DAYS = 365
MAX_ON_DEMAND_HOURS = 72
MAX_REMINDER_OFFSET_MINUTES = 14 * 24 * 60
MAX_REMINDERS = 5
MAX_CHECKLIST_ITEMS = 30
# What the audit trail compares when a session type changes (its hosts are compared by name).
AUDITED_FIELDS = (
    "name",
    "topic",
    "length_minutes",
    "slot_step_minutes",
    "buffer_after_minutes",
    "minimum_notice_minutes",
    "horizon",
    "horizon_days",
    "on_demand_hours",
    "channel",
    "meeting_link_template",
    "host_team",
    "customer_reminder_offsets",
    "agent_reminder_offsets",
    "preparation_checklist",
    "follow_up_template",
    "is_active",
)


def _clean_int(value, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be a whole number.", field=field)
    if not low <= value <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}; got {value}.", field=field)
    return value


def _clean_choice(value: str, choices, *, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(f"{field} '{value}' must be one of {', '.join(choices.values)}.", field=field)
    return value


def _clean_offsets(offsets, *, field: str) -> list[int]:
    if not isinstance(offsets, list | tuple):
        raise InvalidInput(f"{field} must be a list of minutes before the start.", field=field)
    cleaned = sorted(
        {_clean_int(o, field=field, low=1, high=MAX_REMINDER_OFFSET_MINUTES) for o in offsets}, reverse=True
    )
    if len(cleaned) > MAX_REMINDERS:
        raise InvalidInput(f"{field} may hold at most {MAX_REMINDERS} reminders.", field=field)
    return cleaned


def _clean_link_template(template: str) -> str:
    template = clean_short_text(template, field="meeting_link_template", max_length=500)
    if template and not template.startswith(("https://", "http://")):
        raise InvalidInput(
            "meeting_link_template must be an http(s) address, e.g. 'https://meet.example.com/acme-{code}'.",
            field="meeting_link_template",
        )
    if "{" in template.replace("{code}", "") or "}" in template.replace("{code}", ""):
        raise InvalidInput(
            "meeting_link_template may only use the placeholder {code}.", field="meeting_link_template"
        )
    return template


def _clean_checklist(items) -> list[str]:
    if not isinstance(items, list | tuple):
        raise InvalidInput("preparation_checklist must be a list of items.", field="preparation_checklist")
    cleaned = [clean_short_text(item, field="preparation_checklist", max_length=200) for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > MAX_CHECKLIST_ITEMS:
        raise InvalidInput(
            f"preparation_checklist may hold at most {MAX_CHECKLIST_ITEMS} items.",
            field="preparation_checklist",
        )
    return cleaned


def _clean_session_type_fields(workspace: Workspace, fields: dict) -> dict:
    cleaned = {}
    if "name" in fields:
        cleaned["name"] = clean_short_text(fields["name"], field="name", max_length=120, required=True)
    if "topic" in fields:
        cleaned["topic"] = clean_short_text(fields["topic"], field="topic", max_length=2000, multiline=True)
    for key, (low, high) in LIMITS_MINUTES.items():
        if key in fields:
            cleaned[key] = _clean_int(fields[key], field=key, low=low, high=high)
    if "horizon" in fields:
        cleaned["horizon"] = _clean_choice(fields["horizon"], SessionType.Horizon, field="horizon")
    if "horizon_days" in fields:
        cleaned["horizon_days"] = _clean_int(
            fields["horizon_days"], field="horizon_days", low=1, high=MAX_HORIZON_DAYS
        )
    if "on_demand_hours" in fields:
        cleaned["on_demand_hours"] = _clean_int(
            fields["on_demand_hours"], field="on_demand_hours", low=1, high=MAX_ON_DEMAND_HOURS
        )
    if "channel" in fields:
        cleaned["channel"] = _clean_choice(fields["channel"], SessionType.Channel, field="channel")
    if "meeting_link_template" in fields:
        cleaned["meeting_link_template"] = _clean_link_template(fields["meeting_link_template"])
    for key in ("customer_reminder_offsets", "agent_reminder_offsets"):
        if key in fields:
            cleaned[key] = _clean_offsets(fields[key], field=key)
    if "preparation_checklist" in fields:
        cleaned["preparation_checklist"] = _clean_checklist(fields["preparation_checklist"])
    if "follow_up_template" in fields:
        template = (fields["follow_up_template"] or "").strip()
        if not template or len(template) > 10_000:
            raise InvalidInput(
                "follow_up_template must be between 1 and 10,000 characters.", field="follow_up_template"
            )
        cleaned["follow_up_template"] = template
    if "host_team" in fields:
        team = fields["host_team"]
        if team is not None and (not isinstance(team, Team) or team.workspace_id != workspace.pk):
            raise InvalidInput("host_team must be a team of this workspace.", field="host_team")
        cleaned["host_team"] = team
    if "is_active" in fields:
        cleaned["is_active"] = bool(fields["is_active"])
    return cleaned


def _clean_hosts(workspace: Workspace, hosts) -> list[Teammate]:
    hosts = list(hosts)
    for host in hosts:
        if not isinstance(host, Teammate) or host.workspace_id != workspace.pk:
            raise InvalidInput("Every host must be a teammate of this workspace.", field="hosts")
    return hosts


def _host_names(hosts) -> list[str]:
    return sorted(host.name for host in hosts)


def _given(fields: dict, **more) -> dict:
    """What a new session type was given, without the blanks (no topic, no hosts, …)."""
    return {name: value for name, value in {**fields, **more}.items() if value not in (None, "", [])}


def _part_label(session_type: SessionType, part) -> str:
    """How the trail names a question, rule or trigger: 'Setup walkthrough › setup page'."""
    return f"{session_type.name} › {part}"


def create_session_type(
    workspace: Workspace, *, name: str, hosts=(), actor: Actor = SYSTEM, **fields
) -> SessionType:
    """A session type; hosts are a pool of teammates or, with `host_team`, a team's members."""
    cleaned = _clean_session_type_fields(workspace, {"name": name, **fields})
    hosts = _clean_hosts(workspace, hosts)
    try:
        with transaction.atomic():
            session_type = SessionType.objects.create(workspace=workspace, **cleaned)
            session_type.hosts.set(hosts)
            record_audit(
                workspace,
                "session_type.created",
                actor=actor,
                target=session_type,
                changes=changed_fields({}, _given(cleaned, hosts=_host_names(hosts))),
            )
    except IntegrityError as exc:
        raise Conflict(f"A session type named '{cleaned['name']}' already exists.", field="name") from exc
    return session_type


def update_session_type(
    session_type: SessionType, *, hosts=None, actor: Actor = SYSTEM, **fields
) -> SessionType:
    """Change what is given; `is_active=False` deactivates the type (its links stop offering it)."""
    cleaned = _clean_session_type_fields(session_type.workspace, fields)
    if hosts is not None:
        hosts = _clean_hosts(session_type.workspace, hosts)
    before = field_values(session_type, AUDITED_FIELDS)
    after = {**before, **cleaned}
    if hosts is not None:
        before["hosts"] = _host_names(session_type.hosts.all())
        after["hosts"] = _host_names(hosts)
    changes = changed_fields(before, after)
    if not changes:
        return session_type
    try:
        with transaction.atomic():
            for key, value in cleaned.items():
                setattr(session_type, key, value)
            session_type.save()
            if hosts is not None:
                session_type.hosts.set(hosts)
            record_audit(
                session_type.workspace,
                _session_type_action(changes),
                actor=actor,
                target=session_type,
                changes=changes,
            )
    except IntegrityError as exc:
        session_type.refresh_from_db()
        raise Conflict(f"A session type named '{cleaned.get('name')}' already exists.", field="name") from exc
    return session_type


def _session_type_action(changes: dict) -> str:
    if "is_active" in changes:
        return "session_type.activated" if changes["is_active"][1] else "session_type.deactivated"
    return "session_type.updated"


def add_intake_question(
    session_type: SessionType,
    *,
    label: str,
    kind: str = IntakeQuestion.Kind.TEXT,
    key: str = "",
    choices=(),
    required: bool = True,
    actor: Actor = SYSTEM,
) -> IntakeQuestion:
    label = clean_short_text(label, field="label", max_length=300, required=True)
    kind = _clean_choice(kind, IntakeQuestion.Kind, field="kind")
    key = slugify(key or label)[:60].strip("-") or "question"
    cleaned_choices = [clean_short_text(c, field="choices", max_length=200) for c in (choices or [])]
    cleaned_choices = [c for c in cleaned_choices if c]
    if kind == IntakeQuestion.Kind.CHOICE and len(cleaned_choices) < 2:
        raise InvalidInput("A choice question needs at least two choices.", field="choices")
    if kind != IntakeQuestion.Kind.CHOICE and cleaned_choices:
        raise InvalidInput("Only a choice question has choices.", field="choices")
    with transaction.atomic():
        if session_type.questions.filter(key=key).exists():
            raise Conflict(f"This session type already asks a question with key '{key}'.", field="key")
        position = session_type.questions.count()
        question = IntakeQuestion.objects.create(
            workspace_id=session_type.workspace_id,
            session_type=session_type,
            key=key,
            label=label,
            kind=kind,
            choices=cleaned_choices,
            required=bool(required),
            position=position,
        )
        record_audit(
            session_type.workspace,
            "session_type.question_added",
            actor=actor,
            target=question,
            target_label=_part_label(session_type, question.label),
            changes=changed_fields({}, _question_fields(question)),
        )
    return question


def _question_fields(question: IntakeQuestion) -> dict:
    fields = field_values(question, ("key", "label", "kind", "required"))
    return {**fields, "choices": question.choices or None}


def remove_intake_question(question: IntakeQuestion, *, actor: Actor = SYSTEM) -> None:
    """The question goes, with the eligibility rules that read its answer."""
    session_type = question.session_type
    with transaction.atomic():
        rules = session_type.eligibility_rules.filter(source=EligibilityRule.Source.ANSWER, key=question.key)
        removed = {"eligibility_rules": [str(rule) for rule in rules] or None}
        record_audit(
            session_type.workspace,
            "session_type.question_removed",
            actor=actor,
            target=question,
            target_label=_part_label(session_type, question.label),
            changes=changed_fields({**_question_fields(question), **removed}, {}),
        )
        rules.delete()
        question.delete()


def add_eligibility_rule(
    session_type: SessionType,
    *,
    source: str,
    key: str,
    operator: str = EligibilityRule.Operator.EQUALS,
    value=None,
    message: str,
    alternative_url: str = "",
    alternative_label: str = "",
    actor: Actor = SYSTEM,
) -> EligibilityRule:
    """A condition on a contact attribute or an intake answer that makes a customer ineligible."""
    source = _clean_choice(source, EligibilityRule.Source, field="source")
    operator = _clean_choice(operator, EligibilityRule.Operator, field="operator")
    key = clean_short_text(key, field="key", max_length=120, required=True)
    if source == EligibilityRule.Source.ANSWER and not session_type.questions.filter(key=key).exists():
        raise InvalidInput(f"This session type asks no question with key '{key}'.", field="key")
    if operator in (EligibilityRule.Operator.IN, EligibilityRule.Operator.NOT_IN):
        if not isinstance(value, list | tuple) or not value:
            raise InvalidInput(f"The operator '{operator}' needs a list of values.", field="value")
        value = [str(item) for item in value]
    elif operator == EligibilityRule.Operator.MISSING:
        value = None
    elif value is None or isinstance(value, dict | list):
        raise InvalidInput(f"The operator '{operator}' needs a single value.", field="value")
    message = (message or "").strip()
    if not message or len(message) > 2000:
        raise InvalidInput("The message to show must be between 1 and 2,000 characters.", field="message")
    alternative_url = clean_short_text(alternative_url, field="alternative_url", max_length=500)
    if alternative_url and not alternative_url.startswith(("https://", "http://", "/")):
        raise InvalidInput("alternative_url must be an http(s) address or a path.", field="alternative_url")
    with transaction.atomic():
        rule = EligibilityRule.objects.create(
            workspace_id=session_type.workspace_id,
            session_type=session_type,
            source=source,
            key=key,
            operator=operator,
            value=value,
            message=message,
            alternative_url=alternative_url,
            alternative_label=clean_short_text(alternative_label, field="alternative_label", max_length=120),
            position=session_type.eligibility_rules.count(),
        )
        record_audit(
            session_type.workspace,
            "session_type.rule_added",
            actor=actor,
            target=rule,
            target_label=_part_label(session_type, rule),
            changes=changed_fields({}, _rule_fields(rule)),
        )
    return rule


def _rule_fields(rule: EligibilityRule) -> dict:
    fields = field_values(rule, ("source", "key", "operator", "value", "message"))
    for optional in ("alternative_url", "alternative_label"):
        fields[optional] = getattr(rule, optional) or None
    return fields


def remove_eligibility_rule(rule: EligibilityRule, *, actor: Actor = SYSTEM) -> None:
    session_type = rule.session_type
    with transaction.atomic():
        record_audit(
            session_type.workspace,
            "session_type.rule_removed",
            actor=actor,
            target=rule,
            target_label=_part_label(session_type, rule),
            changes=changed_fields(_rule_fields(rule), {}),
        )
        rule.delete()


def create_booking_trigger(
    session_type: SessionType,
    *,
    place: str,
    kind: str = BookingTrigger.Kind.PRODUCT_BUTTON,
    actor: Actor = SYSTEM,
) -> BookingTrigger:
    """A place the session type is offered from (e.g. 'setup page'), with its own booking link. The
    trail records the place and kind, not the link's token."""
    place = clean_short_text(place, field="place", max_length=120, required=True)
    kind = _clean_choice(kind, BookingTrigger.Kind, field="kind")
    try:
        with transaction.atomic():
            trigger = BookingTrigger.objects.create(
                workspace_id=session_type.workspace_id, session_type=session_type, place=place, kind=kind
            )
            record_audit(
                session_type.workspace,
                "session_type.trigger_added",
                actor=actor,
                target=trigger,
                target_label=_part_label(session_type, place),
                changes={"place": [None, place], "kind": [None, kind]},
            )
    except IntegrityError as exc:
        raise Conflict(f"This session type already has a trigger for '{place}'.", field="place") from exc
    return trigger


def deactivate_booking_trigger(trigger: BookingTrigger, *, actor: Actor = SYSTEM) -> BookingTrigger:
    """Its link stops offering the session type; deactivating it again changes nothing."""
    if not trigger.is_active:
        return trigger
    with transaction.atomic():
        trigger.is_active = False
        trigger.save(update_fields=["is_active"])
        record_audit(
            trigger.session_type.workspace,
            "session_type.trigger_deactivated",
            actor=actor,
            target=trigger,
            target_label=_part_label(trigger.session_type, trigger.place),
            changes={"is_active": [True, False]},
        )
    return trigger
