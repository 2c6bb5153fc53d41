"""Who a message reaches: its audience's rules checked (`clean_audience`) and turned into one query
over the workspace's contacts (`audience_contacts`), the same on SQLite and PostgreSQL.

An audience is {"match": "all" | "any", "rules": [rule, ...]}; no rules is everyone. A rule is one of:

- a contact's own field: {"field": "locale" | "city" | "email" | "name" | "timezone", "op": "is" |
  "is_not" | "contains" | "starts_with" | "in" | "is_set" | "is_not_set", "value": ...}, or an instant:
  {"field": "signed_up" | "last_seen", "op": "before" | "after" (an ISO date or instant) |
  "more_than_days_ago" | "less_than_days_ago" (a number of days) | "is_set" | "is_not_set", "value": ...};
- an attribute the customer's product sent: {"attribute": "plan", "op": "is" | "is_not" | "contains" |
  "in" | "gt" | "gte" | "lt" | "lte" | "is_set" | "is_not_set" | "is_true" | "is_false", "value": ...};
  numbers are compared as numbers, and a number rule never matches text ("12" is not more than 10);
- what the product tracked: {"event": "export failed", "op": "at_least" | "at_most" | "ever" | "never",
  "count": 3, "days": 7} (days left out: ever);
- a tag on one of the contact's conversations: {"tag": "billing", "op": "has" | "has_not"}.
"""

import numbers
import re
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation
from concierge.core.db import JsonKeyIsNumber
from concierge.core.errors import InvalidInput
from concierge.events.event_types import CONTACT_TRACKED
from concierge.events.models import Event
from concierge.workspaces.models import Workspace

MAX_RULES = 30
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
TEXT_FIELDS = {"locale": "locale", "city": "city", "email": "email", "name": "name", "timezone": "timezone"}
INSTANT_FIELDS = {"signed_up": "created_at", "last_seen": "last_seen_at"}
TEXT_OPS = ("is", "is_not", "contains", "starts_with", "in", "is_set", "is_not_set")
INSTANT_OPS = ("before", "after", "more_than_days_ago", "less_than_days_ago", "is_set", "is_not_set")
ATTRIBUTE_OPS = (
    "is",
    "is_not",
    "contains",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "is_set",
    "is_not_set",
    "is_true",
    "is_false",
)
NUMBER_OPS = ("gt", "gte", "lt", "lte")
EVENT_OPS = ("at_least", "at_most", "ever", "never")
TAG_OPS = ("has", "has_not")
KINDS = ("users", "leads", "everyone")
EVERYONE = {"match": "all", "rules": []}


def _refuse(number: int, message: str):
    raise InvalidInput(f"Rule {number}: {message}", field=f"audience.rules.{number}")


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _clean_text_value(number: int, op: str, value):
    if op in ("is_set", "is_not_set"):
        return None
    if op == "in":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            _refuse(number, "'in' takes a list of texts.")
        return [v.strip() for v in value]
    if not isinstance(value, str) or not value.strip():
        _refuse(number, f"'{op}' needs a text value.")
    return value.strip()


def _clean_instant_value(number: int, op: str, value):
    if op in ("is_set", "is_not_set"):
        return None
    if op in ("more_than_days_ago", "less_than_days_ago"):
        if not _is_number(value) or value < 0 or value > 36_500:
            _refuse(number, f"'{op}' takes a number of days (0 to 36500).")
        return value
    if not isinstance(value, str) or (parse_datetime(value) is None and _parse_date(value) is None):
        _refuse(number, f"'{op}' takes a date (2026-03-01) or an instant (2026-03-01T09:00:00Z).")
    return value


def _parse_date(value: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _clean_attribute_value(number: int, op: str, value):
    if op in ("is_set", "is_not_set", "is_true", "is_false"):
        return None
    if op in NUMBER_OPS:
        if not _is_number(value):
            _refuse(number, f"'{op}' compares numbers: give a number.")
        return value
    if op == "in":
        if not isinstance(value, list) or not value:
            _refuse(number, "'in' takes a list of values.")
        return value
    if op == "contains":
        if not isinstance(value, str) or not value:
            _refuse(number, "'contains' needs a text value.")
        return value
    if not (isinstance(value, str | bool) or _is_number(value)):
        _refuse(number, f"'{op}' needs a text, number or true/false value.")
    return value


def _clean_rule(number: int, rule) -> dict:
    if not isinstance(rule, dict):
        _refuse(number, 'a rule is an object such as {"attribute": "plan", "op": "is", "value": "pro"}.')
    op = rule.get("op")
    if "field" in rule:
        name = rule["field"]
        if name in TEXT_FIELDS:
            if op not in TEXT_OPS:
                _refuse(number, f"the operator for '{name}' is one of {', '.join(TEXT_OPS)}.")
            return {"field": name, "op": op, "value": _clean_text_value(number, op, rule.get("value"))}
        if name in INSTANT_FIELDS:
            if op not in INSTANT_OPS:
                _refuse(number, f"the operator for '{name}' is one of {', '.join(INSTANT_OPS)}.")
            return {"field": name, "op": op, "value": _clean_instant_value(number, op, rule.get("value"))}
        known = ", ".join([*TEXT_FIELDS, *INSTANT_FIELDS])
        _refuse(number, f"unknown field '{name}'; the fields are {known} (or use an attribute).")
    if "attribute" in rule:
        name = rule["attribute"]
        if not isinstance(name, str) or not ATTRIBUTE_NAME.match(name):
            _refuse(number, "an attribute's name is letters, digits and underscores.")
        if op not in ATTRIBUTE_OPS:
            _refuse(number, f"the operator for an attribute is one of {', '.join(ATTRIBUTE_OPS)}.")
        return {"attribute": name, "op": op, "value": _clean_attribute_value(number, op, rule.get("value"))}
    if "event" in rule:
        return _clean_event_rule(number, rule, op)
    if "tag" in rule:
        name = rule["tag"]
        if not isinstance(name, str) or not name.strip() or len(name) > 60:
            _refuse(number, "a tag rule names a tag.")
        if op not in TAG_OPS:
            _refuse(number, f"the operator for a tag is one of {', '.join(TAG_OPS)}.")
        return {"tag": name.strip(), "op": op}
    _refuse(number, "a rule names a 'field', an 'attribute', an 'event' or a 'tag'.")


def _clean_event_rule(number: int, rule: dict, op) -> dict:
    name = rule["event"]
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        _refuse(number, "an event rule names the event tracked (1 to 60 characters).")
    if op not in EVENT_OPS:
        _refuse(number, f"the operator for an event is one of {', '.join(EVENT_OPS)}.")
    count = rule.get("count", 1)
    bad_count = not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1_000_000
    if op in ("at_least", "at_most") and bad_count:
        _refuse(number, f"'{op}' takes a whole number of times ('count').")
    days = rule.get("days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650):
        _refuse(number, "'days' is a whole number of days from 1 to 3650 (left out: ever).")
    cleaned = {"event": name.strip(), "op": op, "days": days}
    if op in ("at_least", "at_most"):
        cleaned["count"] = count
    return cleaned


def clean_audience(audience) -> dict:
    """The audience checked and normalised; a bad rule is refused, naming it by its number (1, 2, …)."""
    if audience is None:
        return dict(EVERYONE, rules=[])
    if not isinstance(audience, dict):
        raise InvalidInput('The audience is an object: {"match": "all", "rules": [...]}.', field="audience")
    match = audience.get("match", "all")
    if match not in ("all", "any"):
        raise InvalidInput("The audience's 'match' is 'all' or 'any'.", field="audience.match")
    rules = audience.get("rules", [])
    if not isinstance(rules, list):
        raise InvalidInput("The audience's rules are a list.", field="audience.rules")
    if len(rules) > MAX_RULES:
        raise InvalidInput(f"An audience has at most {MAX_RULES} rules.", field="audience.rules")
    return {
        "match": match,
        "rules": [_clean_rule(number, rule) for number, rule in enumerate(rules, start=1)],
    }


def _instant(value: str, *, end_of_day: bool) -> datetime:
    parsed = parse_datetime(value)
    if parsed is not None:
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)
    day = _parse_date(value)
    return datetime.combine(day + timedelta(days=1) if end_of_day else day, time(0), tzinfo=UTC)


def _text_condition(column: str, op: str, value) -> Q:
    if op == "is":
        return Q(**{f"{column}__iexact": value})
    if op == "is_not":
        return ~Q(**{f"{column}__iexact": value})
    if op == "contains":
        return Q(**{f"{column}__icontains": value})
    if op == "starts_with":
        return Q(**{f"{column}__istartswith": value})
    if op == "in":
        return Q(**{f"{column}__in": value})
    if op == "is_set":
        return ~Q(**{column: ""})
    return Q(**{column: ""})


def _instant_condition(column: str, op: str, value, at: datetime) -> Q:
    if op == "before":
        return Q(**{f"{column}__lt": _instant(value, end_of_day=False)})
    if op == "after":
        return Q(**{f"{column}__gte": _instant(value, end_of_day=True)})
    if op == "more_than_days_ago":
        return Q(**{f"{column}__lt": at - timedelta(days=value)})
    if op == "less_than_days_ago":
        return Q(**{f"{column}__gte": at - timedelta(days=value)})
    if op == "is_set":
        return Q(**{f"{column}__isnull": False})
    return Q(**{f"{column}__isnull": True})


def _attribute_condition(name: str, op: str, value) -> Q:
    key = f"attributes__{name}"
    if op in NUMBER_OPS:
        return Q(JsonKeyIsNumber("attributes", name)) & Q(**{f"{key}__{op}": value})
    if op == "is":
        if isinstance(value, str):
            return Q(**{f"{key}__iexact": value})
        return Q(**{key: value})
    if op == "is_not":
        condition = Q(**{f"{key}__iexact": value}) if isinstance(value, str) else Q(**{key: value})
        return ~condition | Q(**{f"{key}__isnull": True})  # a contact without the attribute is not it
    if op == "contains":
        return Q(**{f"{key}__icontains": value})
    if op == "in":
        return Q(**{f"{key}__in": value})
    if op == "is_set":
        return Q(**{"attributes__has_key": name}) & ~Q(**{f"{key}__isnull": True})
    if op == "is_not_set":
        return ~Q(**{"attributes__has_key": name}) | Q(**{f"{key}__isnull": True})
    return Q(**{key: op == "is_true"})


def _tracked_counts(workspace: Workspace, rule: dict, at: datetime) -> QuerySet:
    """The contacts who tracked the rule's event (in its days), with how many times."""
    events = Event.objects.filter(workspace=workspace, type=CONTACT_TRACKED, data__name=rule["event"])
    if rule["days"] is not None:
        events = events.filter(at__gte=at - timedelta(days=rule["days"]), at__lte=at)
    return events.order_by().values("contact_id").annotate(times=Count("id"))


def _event_condition(workspace: Workspace, rule: dict, at: datetime) -> Q:
    counts = _tracked_counts(workspace, rule, at)
    op = rule["op"]
    if op == "ever":
        return Q(pk__in=counts.values("contact_id"))
    if op == "never":
        return ~Q(pk__in=counts.values("contact_id"))
    if op == "at_least":
        if rule["count"] <= 0:
            return Q()
        return Q(pk__in=counts.filter(times__gte=rule["count"]).values("contact_id"))
    return ~Q(pk__in=counts.filter(times__gt=rule["count"]).values("contact_id"))


def _tag_condition(workspace: Workspace, rule: dict) -> Q:
    tagged = Conversation.objects.filter(workspace=workspace, tags__name=rule["tag"]).values("contact_id")
    condition = Q(pk__in=tagged)
    return condition if rule["op"] == "has" else ~condition


def rule_condition(workspace: Workspace, rule: dict, at: datetime) -> Q:
    """One cleaned rule as a condition on contacts."""
    if "field" in rule:
        if rule["field"] in TEXT_FIELDS:
            return _text_condition(TEXT_FIELDS[rule["field"]], rule["op"], rule["value"])
        return _instant_condition(INSTANT_FIELDS[rule["field"]], rule["op"], rule["value"], at)
    if "attribute" in rule:
        return _attribute_condition(rule["attribute"], rule["op"], rule["value"])
    if "event" in rule:
        return _event_condition(workspace, rule, at)
    return _tag_condition(workspace, rule)


def audience_condition(workspace: Workspace, audience: dict, at: datetime) -> Q:
    rules = [rule_condition(workspace, rule, at) for rule in audience.get("rules", [])]
    if not rules:
        return Q()
    combined = rules[0]
    for condition in rules[1:]:
        combined = combined | condition if audience.get("match") == "any" else combined & condition
    return combined


def kind_condition(kind: str) -> Q:
    if kind == "users":
        return Q(kind=Contact.Kind.USER)
    if kind == "leads":
        return Q(kind=Contact.Kind.LEAD)
    return Q()


def audience_contacts(
    workspace: Workspace, audience: dict | None, *, kind: str = "everyone", at: datetime | None = None
) -> QuerySet:
    """The workspace's contacts the audience matches now (or at `at`); a merged lead is no one."""
    audience = clean_audience(audience)
    if kind not in KINDS:
        raise InvalidInput(f"The audience's kind is one of {', '.join(KINDS)}.", field="audience_kind")
    at = at or timezone.now()
    return (
        Contact.objects.filter(workspace=workspace, merged_into__isnull=True)
        .filter(kind_condition(kind))
        .filter(audience_condition(workspace, audience, at))
        .order_by()
    )


def audience_size(
    workspace: Workspace, audience: dict | None, *, kind: str = "everyone", at: datetime | None = None
) -> int:
    """How many contacts the audience matches now: what a teammate sees before sending."""
    return audience_contacts(workspace, audience, kind=kind, at=at).count()


def in_audience(message, contact: Contact, *, at: datetime | None = None) -> bool:
    """Whether the contact is in the message's audience now (a fixed audience: was when it went live)."""
    from concierge.outbound.models import AudienceMember, Message

    if contact.workspace_id != message.workspace_id:
        return False
    if message.audience_mode == Message.AudienceMode.FIXED and message.went_live_at is not None:
        return AudienceMember.objects.filter(message=message, contact=contact).exists()
    contacts = audience_contacts(message.workspace, message.audience, kind=message.audience_kind, at=at)
    return contacts.filter(pk=contact.pk).exists()
