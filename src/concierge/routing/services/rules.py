"""Writing rules (validated, audited) and running them: when a trigger fires for a conversation, each
enabled rule for it, in order, whose conditions hold runs its actions through the conversations'
services, which write the rule's name on the timeline. A rule that names something deleted is broken:
skipped and logged, never a crash; a rule that stops further rules ends the run."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation, Tag
from concierge.core.db import statements_prepared_when_run_again
from concierge.core.errors import Conflict, InvalidInput, ServiceError
from concierge.core.services import claim_reaction_run
from concierge.core.text import clean_short_text
from concierge.routing.models import Rule
from concierge.routing.selectors.rules import (
    Facts,
    References,
    broken_references,
    kept_rules_for_trigger,
    message_of,
    references_of,
    rule_matches,
    waiting_messages,
)
from concierge.routing.services.assignment import assign_by_team_method
from concierge.workspaces.models import Team, Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, changed_fields, record_audit

logger = logging.getLogger("concierge.routing")

Trigger = Rule.Trigger
RULES_SUBSCRIBER = "concierge.routing.rules"  # how core's record of reactions names a rule run
TEXT_OPERATORS = ("is", "is_not", "contains")
CONDITIONS: dict[str, tuple[str, ...]] = {
    # field: its operators. The value each takes is checked in _clean_condition.
    "message": ("contains_any", "contains_none"),
    "channel": ("is", "is_not"),
    "tag": ("is", "is_not"),
    "mailbox": ("is", "is_not"),
    "contact.plan": TEXT_OPERATORS,
    "contact.company": TEXT_OPERATORS,
    "contact.city": TEXT_OPERATORS,
    "contact.locale": ("is", "is_not", "starts_with"),
    "contact.seats": ("is", "is_not", "gt", "gte", "lt", "lte"),
    "office_hours": ("within", "outside"),
    "priority": ("is", "is_not"),
}
# Named so the editor can show them, refused until their app lands.
UNAVAILABLE_CONDITIONS = {"mailbox": "Mailbox conditions arrive with the email channel."}
ACTIONS = (
    "tag",
    "set_priority",
    "assign_team",
    "assign_teammate",
    "assign_by_method",
    "send_saved_reply",
    "snooze",
    "close",
    "add_note",
)
MAX_CONDITIONS = MAX_ACTIONS = 20
MAX_WORDS = 50
MAX_SNOOZE_MINUTES = 60 * 24 * 30
MAX_WAIT_MINUTES = 60 * 24 * 14


@dataclass(frozen=True)
class SavedReplies:
    """What the saved replies' app lends the rules: the workspace's replies to choose from, and how
    one is sent in a conversation (with the rule's `data` on its timeline entry)."""

    choices: Callable[[Workspace], list[tuple[int, str]]]
    send: Callable[..., object]  # send(conversation, saved_reply_id, *, at, data)


_saved_replies: list[SavedReplies] = []


def register_saved_replies(saved_replies: SavedReplies) -> None:
    """Called once by the saved replies' app (a higher floor) from its AppConfig.ready."""
    _saved_replies[:] = [saved_replies]


def saved_replies() -> SavedReplies | None:
    """The saved replies the rules may send; None until an app provides them."""
    return _saved_replies[0] if _saved_replies else None


# Writing rules


@dataclass(frozen=True)
class RuleInput:
    name: str
    trigger: str
    conditions: list[dict]
    actions: list[dict]
    match: str = Rule.Match.ALL
    wait_minutes: int | None = None
    stop_after: bool = False
    enabled: bool = True


def create_rule(
    workspace: Workspace, given: RuleInput, *, actor: Actor = SYSTEM, at: datetime | None = None
) -> Rule:
    """A new rule, last in the order."""
    at = at or timezone.now()
    cleaned = clean_rule(workspace, given)
    try:
        with transaction.atomic():
            last = Rule.objects.filter(workspace=workspace).aggregate(last=Max("position"))["last"]
            rule = Rule.objects.create(
                workspace=workspace,
                position=(last + 1 if last is not None else 0),
                created_at=at,
                updated_at=at,
                **cleaned,
            )
            record_audit(
                workspace,
                "rule.created",
                actor=actor,
                target=rule,
                changes=changed_fields({}, cleaned),
                at=at,
            )
    except IntegrityError as exc:
        raise Conflict(f"A rule named '{cleaned['name']}' already exists.", field="name") from exc
    return rule


def update_rule(rule: Rule, given: RuleInput, *, actor: Actor = SYSTEM, at: datetime | None = None) -> Rule:
    at = at or timezone.now()
    cleaned = clean_rule(rule.workspace, given)
    before = {name: getattr(rule, name) for name in cleaned}
    changes = changed_fields(before, cleaned)
    if not changes:
        return rule
    try:
        with transaction.atomic():
            Rule.objects.filter(pk=rule.pk).update(updated_at=at, **cleaned)
            record_audit(rule.workspace, "rule.changed", actor=actor, target=rule, changes=changes, at=at)
    except IntegrityError as exc:
        raise Conflict(f"A rule named '{cleaned['name']}' already exists.", field="name") from exc
    for name, value in cleaned.items():
        setattr(rule, name, value)
    rule.updated_at = at
    return rule


def set_rule_enabled(rule: Rule, enabled: bool, *, actor: Actor = SYSTEM) -> Rule:
    if rule.enabled == enabled:
        return rule
    with transaction.atomic():
        Rule.objects.filter(pk=rule.pk).update(enabled=enabled, updated_at=timezone.now())
        record_audit(
            rule.workspace,
            "rule.enabled" if enabled else "rule.disabled",
            actor=actor,
            target=rule,
            changes={"enabled": [rule.enabled, enabled]},
        )
    rule.enabled = enabled
    return rule


def delete_rule(rule: Rule, *, actor: Actor = SYSTEM) -> None:
    with transaction.atomic():
        record_audit(
            rule.workspace, "rule.deleted", actor=actor, target=rule, changes={"name": [rule.name, None]}
        )
        rule.delete()


def move_rule(rule: Rule, *, to: int, actor: Actor = SYSTEM) -> list[Rule]:
    """Put the rule at place `to` (0 first) and number every rule of the workspace again."""
    with transaction.atomic():
        ordered = list(
            Rule.objects.select_for_update().filter(workspace_id=rule.workspace_id).order_by("position", "id")
        )
        current = next((i for i, r in enumerate(ordered) if r.pk == rule.pk), None)
        if current is None:
            raise Conflict("The rule was deleted meanwhile.")
        if not 0 <= to < len(ordered):
            raise InvalidInput(f"A rule's place is from 1 to {len(ordered)}.", field="position")
        if current == to:
            return ordered
        ordered.insert(to, ordered.pop(current))
        for position, each in enumerate(ordered):
            if each.position != position:
                Rule.objects.filter(pk=each.pk).update(position=position)
                each.position = position
        record_audit(
            rule.workspace,
            "rule.moved",
            actor=actor,
            target=rule,
            changes={"position": [current + 1, to + 1]},
        )
    return ordered


# Checking a rule


def clean_rule(workspace: Workspace, given: RuleInput) -> dict:
    """The rule's fields, checked: every problem is an InvalidInput naming its field."""
    name = clean_short_text(given.name, field="name", max_length=120, required=True)
    if given.trigger not in Trigger.values:
        raise InvalidInput(
            f"Unknown trigger '{given.trigger}': use one of {', '.join(Trigger.values)}.", field="trigger"
        )
    if given.match not in Rule.Match.values:
        raise InvalidInput("Match must be 'all' or 'any'.", field="match")
    wait_minutes = None
    if given.trigger == Trigger.WAITED:
        wait_minutes = _whole_number(given.wait_minutes, "wait_minutes", 1, MAX_WAIT_MINUTES)
    if not isinstance(given.conditions, list) or len(given.conditions) > MAX_CONDITIONS:
        raise InvalidInput(f"A rule has at most {MAX_CONDITIONS} conditions.", field="conditions")
    if not isinstance(given.actions, list) or not given.actions:
        raise InvalidInput("A rule needs at least one action.", field="actions")
    if len(given.actions) > MAX_ACTIONS:
        raise InvalidInput(f"A rule has at most {MAX_ACTIONS} actions.", field="actions")
    return {
        "name": name,
        "trigger": given.trigger,
        "wait_minutes": wait_minutes,
        "match": given.match,
        "conditions": [_clean_condition(workspace, c, n) for n, c in enumerate(given.conditions, start=1)],
        "actions": [_clean_action(workspace, a, n) for n, a in enumerate(given.actions, start=1)],
        "stop_after": bool(given.stop_after),
        "enabled": bool(given.enabled),
    }


def _whole_number(value, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{field.replace('_', ' ').capitalize()} must be a whole number.", field=field
        ) from None
    if isinstance(value, float) and value != number or not low <= number <= high:
        raise InvalidInput(
            f"{field.replace('_', ' ').capitalize()} must be from {low} to {high}.", field=field
        )
    return number


def _clean_condition(workspace: Workspace, condition, number: int) -> dict:
    where = f"conditions.{number}"
    if not isinstance(condition, dict):
        raise InvalidInput(f"Condition {number} must be an object.", field=where)
    field_name, operator, value = condition.get("field"), condition.get("operator"), condition.get("value")
    if field_name not in CONDITIONS:
        raise InvalidInput(f"Condition {number}: unknown field '{field_name}'.", field=where)
    if field_name in UNAVAILABLE_CONDITIONS:
        raise InvalidInput(f"Condition {number}: {UNAVAILABLE_CONDITIONS[field_name]}", field=where)
    if operator not in CONDITIONS[field_name]:
        raise InvalidInput(
            f"Condition {number}: '{field_name}' takes one of {', '.join(CONDITIONS[field_name])}.",
            field=where,
        )
    return {
        "field": field_name,
        "operator": operator,
        "value": _condition_value(workspace, field_name, value, number),
    }


def _condition_value(workspace: Workspace, field_name: str, value, number: int):
    where = f"conditions.{number}"
    if field_name == "message":
        words = value.split(",") if isinstance(value, str) else value
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise InvalidInput(f"Condition {number}: list the words, separated by commas.", field=where)
        words = [" ".join(w.split()) for w in words if w.strip()]
        if not words or len(words) > MAX_WORDS or any(len(w) > 100 for w in words):
            raise InvalidInput(
                f"Condition {number}: give from 1 to {MAX_WORDS} words or phrases.", field=where
            )
        return words
    if field_name == "channel":
        if value not in Conversation.Channel.values:
            raise InvalidInput(
                f"Condition {number}: the channel is one of {', '.join(Conversation.Channel.values)}.",
                field=where,
            )
        return value
    if field_name == "priority":
        if value not in Conversation.Priority.values:
            raise InvalidInput(
                f"Condition {number}: the priority is one of {', '.join(Conversation.Priority.values)}.",
                field=where,
            )
        return value
    if field_name == "tag":
        return _own(workspace, Tag, value, f"Condition {number}: no such tag.", where).pk
    if field_name == "office_hours":
        return None
    if field_name == "contact.seats":
        return _whole_number(value, where, 0, 10_000_000)
    text = clean_short_text(
        value if isinstance(value, str) else "", field=where, max_length=120, required=True
    )
    return text


def _clean_action(workspace: Workspace, action, number: int) -> dict:
    where = f"actions.{number}"
    if not isinstance(action, dict) or action.get("type") not in ACTIONS:
        raise InvalidInput(f"Action {number}: the type is one of {', '.join(ACTIONS)}.", field=where)
    kind = action["type"]
    if kind == "tag":
        return {
            "type": kind,
            "tag_id": _own(workspace, Tag, action.get("tag_id"), f"Action {number}: no such tag.", where).pk,
        }
    if kind == "set_priority":
        if action.get("priority") not in Conversation.Priority.values:
            raise InvalidInput(
                f"Action {number}: the priority is one of {', '.join(Conversation.Priority.values)}.",
                field=where,
            )
        return {"type": kind, "priority": action["priority"]}
    if kind in ("assign_team", "assign_by_method"):
        return {
            "type": kind,
            "team_id": _own(
                workspace, Team, action.get("team_id"), f"Action {number}: no such team.", where
            ).pk,
        }
    if kind == "assign_teammate":
        teammate = _own(
            workspace, Teammate, action.get("teammate_id"), f"Action {number}: no such teammate.", where
        )
        if not teammate.is_active:
            raise InvalidInput(f"Action {number}: {teammate.name} is deactivated.", field=where)
        return {"type": kind, "teammate_id": teammate.pk}
    if kind == "send_saved_reply":
        available = saved_replies()
        if available is None:
            raise InvalidInput(f"Action {number}: saved replies are not available yet.", field=where)
        choices = dict(available.choices(workspace))
        reply_id = action.get("saved_reply_id")
        if reply_id not in choices:
            raise InvalidInput(f"Action {number}: no such saved reply.", field=where)
        return {"type": kind, "saved_reply_id": reply_id}
    if kind == "snooze":
        return {"type": kind, "minutes": _whole_number(action.get("minutes"), where, 1, MAX_SNOOZE_MINUTES)}
    if kind == "add_note":
        body = action.get("body")
        if not isinstance(body, str) or not body.strip() or len(body) > 5000:
            raise InvalidInput(f"Action {number}: the note needs from 1 to 5,000 characters.", field=where)
        return {"type": kind, "body": body.strip()}
    return {"type": kind}  # close


def _own(workspace: Workspace, model, pk, message: str, field: str):
    if isinstance(pk, str) and pk.isascii() and pk.isdigit():
        pk = int(pk)
    if type(pk) is not int:
        raise InvalidInput(message, field=field)
    found = model.objects.filter(workspace=workspace, pk=pk).first()
    if found is None:
        raise InvalidInput(message, field=field)
    return found


# Running rules


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: int
    name: str
    outcome: str  # "ran", "broken", "failed"


def run_rules(
    workspace_id: int,
    conversation_id: int,
    trigger: str,
    *,
    at: datetime | None = None,
    part_id: int | None = None,
    only: list[Rule] | None = None,
) -> list[RuleOutcome]:
    """Run the trigger's rules (or `only` these) on the conversation; returns what each matching
    rule did. A closed or missing conversation is left alone."""
    at = at or timezone.now()
    conversation = (
        Conversation.objects.select_related("contact", "workspace", "team", "assignee")
        .filter(workspace_id=workspace_id, pk=conversation_id)
        .first()
    )
    if conversation is None or conversation.state == Conversation.State.CLOSED:
        return []
    if only is not None:
        rules, references = only, references_of(workspace_id, only)
    else:
        rules, references = kept_rules_for_trigger(conversation.workspace, trigger)
    if not rules:
        return []
    facts = Facts(
        conversation=conversation,
        message=message_of(conversation, part_id, first=trigger == Trigger.STARTED),
        at=at,
    )
    outcomes = []
    for rule in rules:
        if not rule_matches(rule, facts):
            continue
        problems = broken_references(rule, references)
        if problems:
            logger.warning("Skipped the broken rule %r (#%s): %s", rule.name, rule.pk, "; ".join(problems))
            outcomes.append(RuleOutcome(rule.pk, rule.name, "broken"))
            continue
        outcomes.append(RuleOutcome(rule.pk, rule.name, _run_actions(rule, facts, references)))
        if rule.stop_after or conversation.state == Conversation.State.CLOSED:
            break
    return outcomes


def _run_actions(rule: Rule, facts: Facts, references: References) -> str:
    """A rule's actions, in order, all or none: one that cannot run (a conversation a teammate closed
    meanwhile) undoes the rule's others, and is logged."""
    data = {"rule": rule.name, "rule_id": rule.pk}
    try:
        with transaction.atomic():
            for action in rule.actions:
                _run_action(action, facts, data, references=references)
    except (ServiceError, ObjectDoesNotExist) as exc:
        # ObjectDoesNotExist: what the rule names was deleted after the run began.
        logger.warning("The rule %r (#%s) could not run: %s", rule.name, rule.pk, exc)
        facts.conversation.refresh_from_db()
        facts.tag_ids = None
        return "failed"
    return "ran"


def clean_actions(workspace: Workspace, actions, *, allowed: tuple[str, ...] = ACTIONS) -> list[dict]:
    """Actions as a rule takes them, checked for another app that runs them (the saved replies'
    macros): each one of `allowed`, naming this workspace's tags, teams and teammates."""
    if not isinstance(actions, list):
        raise InvalidInput("The actions are a list.", field="actions")
    if len(actions) > MAX_ACTIONS:
        raise InvalidInput(f"At most {MAX_ACTIONS} actions.", field="actions")
    cleaned = []
    for number, action in enumerate(actions, start=1):
        if isinstance(action, dict) and action.get("type") in ACTIONS and action["type"] not in allowed:
            raise InvalidInput(
                f"Action {number}: the type is one of {', '.join(allowed)}.", field=f"actions.{number}"
            )
        cleaned.append(_clean_action(workspace, action, number))
    return cleaned


def run_actions(
    conversation: Conversation,
    actions: list[dict],
    *,
    teammate: Teammate | None = None,
    at: datetime | None = None,
    data: dict | None = None,
) -> None:
    """Run cleaned actions on a conversation, in order, for another app (a macro sent by `teammate`).
    All or none: one that cannot run raises (a ServiceError, or ObjectDoesNotExist for what was
    deleted) and undoes the others; the caller's transaction decides what else goes with them."""
    facts = Facts(conversation=conversation, message="", at=at or timezone.now())
    with transaction.atomic():
        for action in actions:
            _run_action(action, facts, dict(data or {}), teammate=teammate)


def _run_action(
    action: dict,
    facts: Facts,
    data: dict,
    *,
    teammate: Teammate | None = None,
    references: References | None = None,
) -> None:
    conversation, at, kind = facts.conversation, facts.at, action["type"]
    workspace_id = conversation.workspace_id
    if kind == "tag":
        tag = _named(Tag, workspace_id, action["tag_id"], references.tags if references else None)
        conversations.tag_conversation(conversation, tag, teammate=teammate, at=at, data=data)
        facts.tag_ids = None
    elif kind == "set_priority":
        conversations.set_conversation_priority(
            conversation, action["priority"], teammate=teammate, at=at, data=data
        )
    elif kind == "assign_team":
        team = _named(Team, workspace_id, action["team_id"], references.teams if references else None)
        conversations.assign_conversation(
            conversation, teammate=teammate, assignee=None, team=team, at=at, data=data
        )
    elif kind == "assign_teammate":
        known = references.teammates if references else None
        assignee = _named(Teammate, workspace_id, action["teammate_id"], known)
        conversations.assign_conversation(
            conversation, teammate=teammate, assignee=assignee, team=conversation.team, at=at, data=data
        )
    elif kind == "assign_by_method":
        team = _named(Team, workspace_id, action["team_id"], references.teams if references else None)
        assign_by_team_method(conversation, team, at=at, data=data)
    elif kind == "send_saved_reply":
        available = saved_replies()
        if available is None:
            raise Conflict("Saved replies are not available.")
        available.send(conversation, action["saved_reply_id"], at=at, data=data)
    elif kind == "snooze":
        conversations.snooze_conversation(
            conversation, until=at + timedelta(minutes=action["minutes"]), teammate=teammate, at=at, data=data
        )
    elif kind == "close":
        conversations.close_conversation(conversation, by="teammate", teammate=teammate, at=at, data=data)
    elif kind == "add_note":
        conversations.add_note(conversation, None, action["body"], at=at, data=data, keep_html=False)


def _named(model, workspace_id: int, pk: int, known: dict | None):
    """What an action names: read with the run's references when there are some, else now (a
    deleted one raises ObjectDoesNotExist)."""
    if known is not None and pk in known:
        return known[pk]
    return model.objects.get(workspace_id=workspace_id, pk=pk)


def rule_run_key(trigger: str, conversation_id: int, detail: object = "") -> str:
    """What a rule run is about, at most 32 characters (core's record of reactions that ran)."""
    return f"{trigger[:2]}{conversation_id}.{detail}"[:32]


def run_rules_once(
    key: str,
    workspace_id: int,
    conversation_id: int,
    trigger: str,
    *,
    at: datetime | None = None,
    part_id=None,
) -> list[RuleOutcome]:
    """run_rules, once per `key` however often it is asked (the queued task, a retry, the demo).
    Its statements are prepared when run again: a worker runs the same ones for every conversation."""
    with statements_prepared_when_run_again(), transaction.atomic():
        if not claim_reaction_run(key, RULES_SUBSCRIBER):
            return []
        return run_rules(workspace_id, conversation_id, trigger, at=at, part_id=part_id)


def run_waiting_rules(*, at: datetime | None = None) -> int:
    """Run each "waited without a reply" rule on the open conversations whose customer's last message
    has waited its minutes (and at most a day more: older ones were due before this ran), once per
    rule and message. Returns how many rule runs were made."""
    at = at or timezone.now()
    runs = 0
    for rule in Rule.objects.filter(trigger=Trigger.WAITED, enabled=True).order_by(
        "workspace_id", "position", "id"
    ):
        waited = timedelta(minutes=rule.wait_minutes)
        due_before = at - waited
        since = max(due_before - timedelta(days=1), rule.created_at - waited)
        for conversation_id, part_id in waiting_messages(rule.workspace_id, since, due_before):
            with transaction.atomic():
                if not claim_reaction_run(f"wa{rule.pk}.{part_id}", RULES_SUBSCRIBER):
                    continue
                run_rules(
                    rule.workspace_id, conversation_id, Trigger.WAITED, at=at, part_id=part_id, only=[rule]
                )
                runs += 1
    return runs
