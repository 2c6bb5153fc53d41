"""The message editor's form read into what the outbound services take: every value a teammate types
is checked here only as far as turning text into numbers, dates and lists; what the values mean is
the services' to judge (and refuse, naming the field). A value that cannot be read is refused with
InvalidInput naming its field, so the page answers 422 with the message and writes nothing."""

import re

from concierge.core.errors import InvalidInput
from concierge.outbound.models import Message
from concierge.workspaces.models import Teammate

MAX_VERSION_ROWS = 20
MAX_RULE_ROWS = 30
MAX_TAGS_TEXT = 2000
MAX_TOOLTIP_LINES = 20
WHOLE = re.compile(r"^\d{1,9}$", re.ASCII)
NUMBER = re.compile(r"^-?\d{1,15}(\.\d{1,9})?$", re.ASCII)

# What a rule row's first select says: a contact's field, or one of the other kinds of rule.
RULE_SUBJECTS = (
    ("attribute", "Attribute"),
    ("event", "Event tracked"),
    ("tag", "Conversation tag"),
    ("field:signed_up", "Signed up"),
    ("field:last_seen", "Last seen"),
    ("field:locale", "Language"),
    ("field:city", "City"),
    ("field:email", "Email"),
    ("field:name", "Name"),
    ("field:timezone", "Time zone"),
)
RULE_OPERATORS = (
    ("is", "is"),
    ("is_not", "is not"),
    ("contains", "contains"),
    ("starts_with", "starts with"),
    ("in", "is one of (a, b, c)"),
    ("gt", "is more than"),
    ("gte", "is at least"),
    ("lt", "is less than"),
    ("lte", "is at most"),
    ("is_set", "is set"),
    ("is_not_set", "is not set"),
    ("is_true", "is true"),
    ("is_false", "is false"),
    ("before", "before (date)"),
    ("after", "after (date)"),
    ("more_than_days_ago", "more than N days ago"),
    ("less_than_days_ago", "less than N days ago"),
    ("at_least", "at least N times"),
    ("at_most", "at most N times"),
    ("ever", "ever"),
    ("never", "never"),
    ("has", "has"),
    ("has_not", "has not"),
)
OPERATOR_LABELS = dict(RULE_OPERATORS)
SUBJECT_LABELS = dict(RULE_SUBJECTS)


def typed(value: str | None) -> str | None:
    """What a person typed in a field, or None when it was left empty."""
    return (value or "").strip() or None


def read_whole(value: str, field: str, *, default: int, label: str) -> int:
    value = (value or "").strip()
    if not value:
        return default
    if not WHOLE.match(value):
        raise InvalidInput(f"{label} is a whole number.", field=field)
    return int(value)


def read_value(text: str):
    """A rule's value as typed: a number when it reads as one (seats 12), true or false as such, else
    the text."""
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def read_tags(text: str) -> list[str]:
    if len(text or "") > MAX_TAGS_TEXT:
        raise InvalidInput("The tags are too long.", field="tags")
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


def read_tooltips(text: str, number: int) -> list[dict]:
    """One tooltip a line: `CSS selector | what it says`."""
    tooltips = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_TOOLTIP_LINES:
        raise InvalidInput(
            f"A tooltip group has at most {MAX_TOOLTIP_LINES} tooltips.", field=f"versions.{number}.tooltips"
        )
    for line in lines:
        selector, bar, body = line.partition("|")
        if not bar:
            raise InvalidInput(
                f"Write each tooltip as 'CSS selector | text' (line: {line.strip()[:60]}).",
                field=f"versions.{number}.tooltips",
            )
        tooltips.append({"selector": selector.strip(), "body": body.strip()})
    return tooltips


def tooltips_as_text(tooltips: list[dict]) -> str:
    return "\n".join(f"{t.get('selector', '')} | {t.get('body', '')}" for t in tooltips or [])


def read_versions(post) -> list[dict]:
    """The rows `locale_N`, `subject_N`, `body_N`, `tooltips_N`; a row left blank is no version."""
    versions = []
    for index in range(MAX_VERSION_ROWS + 1):
        locale = (post.get(f"locale_{index}") or "").strip()
        subject = post.get(f"subject_{index}") or ""
        body = post.get(f"body_{index}") or ""
        tooltips = post.get(f"tooltips_{index}") or ""
        if not (locale or subject.strip() or body.strip() or tooltips.strip()):
            continue
        number = len(versions) + 1
        versions.append(
            {"locale": locale, "subject": subject, "body": body, "tooltips": read_tooltips(tooltips, number)}
        )
    return versions


def read_rule(subject: str, name: str, op: str, value: str, count: str, days: str, number: int) -> dict:
    """One row of the audience builder as the audience's rule."""
    field = f"audience.rules.{number}"
    if subject not in SUBJECT_LABELS:
        raise InvalidInput(f"Rule {number}: choose what it looks at from the list.", field=field)
    if subject.startswith("field:"):
        rule = {"field": subject[6:], "op": op}
        if op in ("more_than_days_ago", "less_than_days_ago"):
            rule["value"] = read_whole(value, field, default=-1, label=f"Rule {number}: the number of days")
        elif op == "in":
            rule["value"] = [part.strip() for part in value.split(",") if part.strip()]
        else:
            rule["value"] = value.strip()
        return rule
    name = name.strip()
    if subject == "tag":
        return {"tag": name or value.strip(), "op": op}
    if subject == "event":
        rule = {"event": name, "op": op}
        if op in ("at_least", "at_most"):
            rule["count"] = read_whole(count, field, default=1, label=f"Rule {number}: the number of times")
        if days.strip():
            rule["days"] = read_whole(days, field, default=0, label=f"Rule {number}: the number of days")
        return rule
    rule = {"attribute": name, "op": op}
    if op == "in":
        rule["value"] = [read_value(part) for part in value.split(",") if part.strip()]
    elif op == "contains":
        rule["value"] = value.strip()
    else:
        rule["value"] = read_value(value)
    return rule


def read_audience(post) -> dict:
    rows = zip(
        post.getlist("rule_subject"),
        post.getlist("rule_name"),
        post.getlist("rule_op"),
        post.getlist("rule_value"),
        post.getlist("rule_count"),
        post.getlist("rule_days"),
        strict=False,
    )
    rules = []
    for subject, name, op, value, count, days in rows:
        if not subject:  # "— remove —"
            continue
        if len(rules) >= MAX_RULE_ROWS:
            raise InvalidInput(f"An audience has at most {MAX_RULE_ROWS} rules.", field="audience.rules")
        rules.append(read_rule(subject, name, op, value, count, days, len(rules) + 1))
    return {"match": post.get("match") or "all", "rules": rules}


def rule_rows(audience: dict) -> list[dict]:
    """The audience's rules as the builder's rows show them."""
    rows = []
    for rule in (audience or {}).get("rules", []):
        value = rule.get("value")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif value is None:
            value = ""
        if "field" in rule:
            subject, name = f"field:{rule['field']}", ""
        elif "attribute" in rule:
            subject, name = "attribute", rule["attribute"]
        elif "event" in rule:
            subject, name = "event", rule["event"]
        else:
            subject, name = "tag", rule.get("tag", "")
        rows.append(
            {
                "subject": subject,
                "name": name,
                "op": rule.get("op", ""),
                "value": str(value).lower() if isinstance(value, bool) else str(value),
                "count": str(rule.get("count", "")),
                "days": str(rule.get("days") or ""),
            }
        )
    return rows


def posted_rule_rows(post) -> list[dict]:
    rows = zip(
        post.getlist("rule_subject"),
        post.getlist("rule_name"),
        post.getlist("rule_op"),
        post.getlist("rule_value"),
        post.getlist("rule_count"),
        post.getlist("rule_days"),
        strict=False,
    )
    return [
        {"subject": s, "name": n, "op": o, "value": v, "count": c, "days": d}
        for s, n, o, v, c, d in rows
        if s
    ]


def describe_rule(rule: dict) -> str:
    """A rule as a sentence a teammate reads on the message's page."""
    op = OPERATOR_LABELS.get(rule.get("op"), rule.get("op", ""))
    value = rule.get("value")
    shown = (
        ", ".join(str(v) for v in value) if isinstance(value, list) else ("" if value is None else str(value))
    )
    if "event" in rule:
        times = f" {rule['count']} time{'s' if rule.get('count') != 1 else ''}" if "count" in rule else ""
        words = {"at_least": "at least", "at_most": "at most"}.get(rule["op"], op)
        within = f" in the last {rule['days']} days" if rule.get("days") else ""
        return f"tracked “{rule['event']}” {words}{times}{within}".replace("  ", " ")
    if "tag" in rule:
        return f"{'has' if rule['op'] == 'has' else 'has no'} conversation tagged “{rule['tag']}”"
    if "field" in rule:
        subject = SUBJECT_LABELS.get(f"field:{rule['field']}", rule["field"])
        if rule["op"] in ("more_than_days_ago", "less_than_days_ago"):
            more = "more" if rule["op"].startswith("more") else "less"
            return f"{subject.lower()} {more} than {shown} days ago"
        return f"{subject.lower()} {op} {shown}".strip()
    return f"{rule['attribute']} {op} {shown}".strip()


def read_message(post, *, teammates: list[Teammate], description_only: bool = False) -> dict:
    """The editor's fields as keyword arguments of create_message / update_message; only the
    description (name, type, tags, sender) for a message known from imported history or stopped."""
    fields: dict = {
        "name": post.get("name") or "",
        "content_type": post.get("content_type") or "",
        "tags": read_tags(post.get("tags") or ""),
        "sender": _read_sender(post.get("sender") or "", teammates),
    }
    if description_only:
        return fields
    fields.update(
        versions=read_versions(post),
        audience=read_audience(post),
        audience_kind=post.get("audience_kind") or "everyone",
        audience_mode=post.get("audience_mode") or Message.AudienceMode.DYNAMIC,
        trigger=post.get("trigger") or Message.Trigger.NOW,
        page_url=post.get("page_url") or "",
        page_seconds=read_whole(
            post.get("page_seconds"), "page_seconds", default=0, label="The seconds on the page"
        ),
        event_name=post.get("event_name") or "",
        schedule_on=typed(post.get("schedule_on")),
        schedule_time=typed(post.get("schedule_time")),
        schedule_zone=post.get("schedule_zone") or Message.ScheduleZone.CONTACT,
        repeat=post.get("repeat") or Message.Repeat.ONCE,
        repeat_until=typed(post.get("repeat_until")),
        office_hours_only=bool(post.get("office_hours_only")),
        max_per_contact=read_whole(
            post.get("max_per_contact"), "max_per_contact", default=1, label="The number of times"
        ),
        min_gap_days=read_whole(
            post.get("min_gap_days"), "min_gap_days", default=0, label="The days between"
        ),
        overrides_cap=bool(post.get("overrides_cap")),
        goal_kind=post.get("goal_kind") or "",
        goal_name=post.get("goal_name") or "",
        goal_value=read_value(post.get("goal_value") or "")
        if (post.get("goal_value") or "").strip()
        else None,
        goal_days=read_whole(post.get("goal_days"), "goal_days", default=7, label="The goal's days"),
        stop_when_goal_met=bool(post.get("stop_when_goal_met")),
    )
    return fields


def _read_sender(value: str, teammates: list[Teammate]) -> Teammate | None:
    if not value:
        return None
    sender = next((t for t in teammates if str(t.pk) == value), None)
    if sender is None:
        raise InvalidInput("Choose the sender from the list.", field="sender")
    return sender
