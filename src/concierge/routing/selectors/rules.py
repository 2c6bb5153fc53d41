"""Reading rules and judging them: which rules a trigger runs, whether a rule's conditions hold for a
conversation, which of its references are gone, and the editor's preview over recent conversations.

Judging is pure (no writes): the preview evaluates rules without running them, and services.rules
runs the actions of those that match."""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.db.models import Exists, OuterRef
from django.utils.html import strip_tags

from concierge.conversations.models import Conversation, Part, Tag
from concierge.core.errors import NotFound
from concierge.routing.models import Rule
from concierge.routing.selectors.hours import within_office_hours
from concierge.workspaces.kept import kept_for
from concierge.workspaces.models import Team, Teammate, Workspace

PREVIEW_SIZE = 200


def rules_of(workspace: Workspace) -> list[Rule]:
    return list(Rule.objects.filter(workspace=workspace).order_by("position", "id"))


def rule_by_id(workspace: Workspace, rule_id: int) -> Rule:
    """The workspace's rule; another workspace's id is NotFound."""
    rule = Rule.objects.filter(workspace=workspace, pk=rule_id).first()
    if rule is None:
        raise NotFound("No such rule.")
    return rule


def rules_for_trigger(workspace_id: int, trigger: str) -> list[Rule]:
    """The enabled rules a trigger runs, in order (one indexed query)."""
    return list(
        Rule.objects.filter(workspace_id=workspace_id, trigger=trigger, enabled=True).order_by(
            "position", "id"
        )
    )


def kept_rules_for_trigger(workspace: Workspace, trigger: str) -> tuple[list[Rule], "References"]:
    """rules_for_trigger and what they name (references_of), kept in this process while the
    workspace's set-up version stays (every change of a rule, team, teammate or tag is audited, and
    so renews it). For a rule run: `workspace` read in its transaction, which has changed no set-up.
    What is kept is shared: read it, never change it."""

    def read() -> tuple[list[Rule], References]:
        rules = rules_for_trigger(workspace.pk, trigger)
        return rules, references_of(workspace.pk, rules)

    return kept_for(workspace, ("routing.rules", trigger), read, in_unchanged_transaction=True)


def has_rules_for(workspace_id: int, trigger: str) -> bool:
    return Rule.objects.filter(workspace_id=workspace_id, trigger=trigger, enabled=True).exists()


@dataclass
class Facts:
    """What a rule's conditions look at, for one conversation at one instant."""

    conversation: Conversation
    message: str  # the message that triggered the rule (else the first one), and the subject
    at: datetime
    tag_ids: set[int] | None = None  # read on first use
    office_hours: bool | None = None  # read on first use
    extra: dict = field(default_factory=dict)

    def tags(self) -> set[int]:
        if self.tag_ids is None:
            self.tag_ids = set(self.conversation.tags.values_list("pk", flat=True))
        return self.tag_ids

    def within_office_hours(self) -> bool:
        if self.office_hours is None:
            conversation = self.conversation
            self.office_hours = within_office_hours(conversation.workspace, self.at, team=conversation.team)
        return self.office_hours


def plain_text(body: str) -> str:
    return " ".join(html.unescape(strip_tags(body)).split())


def message_of(conversation: Conversation, part_id: int | None = None, *, first: bool = False) -> str:
    """The subject and the message a trigger is about: the given part, else the contact's first
    (a conversation started) or latest message."""
    parts = Part.objects.filter(conversation=conversation, kind=Part.Kind.COMMENT)
    part = parts.filter(pk=part_id).first() if part_id else None
    if part is None:
        order = ("created_at", "id") if first else ("-created_at", "-id")
        part = parts.filter(author_type=Part.Author.CONTACT).order_by(*order).first()
    return f"{conversation.subject}\n{plain_text(part.body) if part else ''}"


@lru_cache(maxsize=4096)
def words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Words or phrases at the start of a word ("crash" finds "crashes", "fun" not "refund"), any case;
    compiled once per list (rules are read far more than edited)."""
    alternatives = "|".join(re.escape(word.casefold()) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})")


def _text_matches(operator: str, actual: str, expected) -> bool:
    actual = (actual or "").casefold()
    expected = str(expected).casefold()
    if operator == "is":
        return actual == expected
    if operator == "is_not":
        return actual != expected
    if operator == "contains":
        return expected in actual
    if operator == "starts_with":
        return actual.startswith(expected)
    return False


def _number_matches(operator: str, actual, expected) -> bool:
    try:
        actual = float(actual)
    except (TypeError, ValueError):
        return False
    expected = float(expected)
    return {
        "is": actual == expected,
        "is_not": actual != expected,
        "gt": actual > expected,
        "gte": actual >= expected,
        "lt": actual < expected,
        "lte": actual <= expected,
    }.get(operator, False)


def condition_holds(condition: dict, facts: Facts) -> bool:
    field_name, operator, value = condition["field"], condition["operator"], condition.get("value")
    conversation = facts.conversation
    if field_name == "message":
        found = bool(words_pattern(tuple(value)).search(facts.message.casefold()))
        return found if operator == "contains_any" else not found
    if field_name == "channel":
        return (conversation.channel == value) == (operator == "is")
    if field_name == "priority":
        return (conversation.priority == value) == (operator == "is")
    if field_name == "tag":
        return (value in facts.tags()) == (operator == "is")
    if field_name == "office_hours":
        return facts.within_office_hours() == (operator == "within")
    if field_name == "contact.seats":
        return _number_matches(operator, conversation.contact.attributes.get("seats"), value)
    if field_name in ("contact.locale", "contact.city"):
        return _text_matches(operator, getattr(conversation.contact, field_name.split(".")[1]), value)
    if field_name in ("contact.plan", "contact.company"):
        return _text_matches(operator, str(conversation.contact.attributes.get(field_name[8:], "")), value)
    return False  # a condition this version does not know never holds


def rule_matches(rule: Rule, facts: Facts) -> bool:
    """Whether the rule's conditions hold (a rule without conditions always does)."""
    if not rule.conditions:
        return True
    judge = all if rule.match == Rule.Match.ALL else any
    return judge(condition_holds(condition, facts) for condition in rule.conditions)


@dataclass(frozen=True)
class References:
    """The teams, teammates (active) and tags the rules name that still exist, by id: what a rule's
    actions then use, without reading them again."""

    teams: dict[int, Team]
    teammates: dict[int, Teammate]
    tags: dict[int, Tag]


def _named_ids(rules: list[Rule]) -> tuple[set[int], set[int], set[int]]:
    teams, teammates, tags = set(), set(), set()
    for rule in rules:
        for condition in rule.conditions:
            if condition.get("field") == "tag":
                tags.add(condition.get("value"))
        for action in rule.actions:
            if "team_id" in action:
                teams.add(action["team_id"])
            if "teammate_id" in action:
                teammates.add(action["teammate_id"])
            if "tag_id" in action:
                tags.add(action["tag_id"])
    return teams, teammates, tags


def references_of(workspace_id: int, rules: list[Rule]) -> References:
    """What the rules refer to that still exists: at most three small queries."""
    team_ids, teammate_ids, tag_ids = _named_ids(rules)

    def by_id(model, ids, **also):
        found = model.objects.filter(workspace_id=workspace_id, pk__in=ids, **also) if ids else ()
        return {each.pk: each for each in found}

    return References(
        teams=by_id(Team, team_ids),
        teammates=by_id(Teammate, teammate_ids, is_active=True),
        tags=by_id(Tag, tag_ids),
    )


def broken_references(rule: Rule, references: References) -> list[str]:
    """What the rule names that is gone, said for a person ("the team #4 was deleted")."""
    problems = []
    for condition in rule.conditions:
        if condition.get("field") == "tag" and condition.get("value") not in references.tags:
            problems.append("a condition's tag was deleted")
    for number, action in enumerate(rule.actions, start=1):
        if "team_id" in action and action["team_id"] not in references.teams:
            problems.append(f"action {number}'s team was deleted")
        if "teammate_id" in action and action["teammate_id"] not in references.teammates:
            problems.append(f"action {number}'s teammate was removed or deactivated")
        if "tag_id" in action and action["tag_id"] not in references.tags:
            problems.append(f"action {number}'s tag was deleted")
    return problems


@dataclass(frozen=True)
class PreviewRow:
    conversation: Conversation
    matched: bool


def preview_rule(rule: Rule, *, at: datetime, size: int = PREVIEW_SIZE) -> list[PreviewRow]:
    """Which of the workspace's last `size` conversations the rule's conditions match, judged on each
    one's subject and first message from the contact (evaluated, nothing run)."""
    conversations = list(
        Conversation.objects.filter(workspace_id=rule.workspace_id)
        .select_related("contact", "team", "assignee", "workspace")
        .order_by("-created_at", "-id")[:size]
    )
    first_messages = _first_contact_messages([c.pk for c in conversations])
    tags_by_conversation = _tag_ids_by_conversation([c.pk for c in conversations])
    rows = []
    for conversation in conversations:
        facts = Facts(
            conversation=conversation,
            message=f"{conversation.subject}\n{plain_text(first_messages.get(conversation.pk, ''))}",
            at=at,
            tag_ids=tags_by_conversation.get(conversation.pk, set()),
        )
        rows.append(PreviewRow(conversation, rule_matches(rule, facts)))
    return rows


def _first_contact_messages(conversation_ids: list[int]) -> dict[int, str]:
    first: dict[int, str] = {}
    parts = (
        Part.objects.filter(
            conversation_id__in=conversation_ids, kind=Part.Kind.COMMENT, author_type=Part.Author.CONTACT
        )
        .order_by("conversation_id", "created_at", "id")
        .values_list("conversation_id", "body")
    )
    for conversation_id, body in parts:
        first.setdefault(conversation_id, body)
    return first


def _tag_ids_by_conversation(conversation_ids: list[int]) -> dict[int, set[int]]:
    through = Conversation.tags.through
    found: dict[int, set[int]] = {}
    for conversation_id, tag_id in through.objects.filter(conversation_id__in=conversation_ids).values_list(
        "conversation_id", "tag_id"
    ):
        found.setdefault(conversation_id, set()).add(tag_id)
    return found


def waiting_messages(workspace_id: int, since: datetime, until: datetime) -> list[tuple[int, int]]:
    """(conversation id, part id) of each open conversation whose last message is the customer's,
    written from `since` to `until`: nobody has answered it since."""
    answered = Part.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        kind=Part.Kind.COMMENT,
        created_at__gt=OuterRef("created_at"),
    )
    return list(
        Part.objects.filter(
            workspace_id=workspace_id,
            kind=Part.Kind.COMMENT,
            author_type=Part.Author.CONTACT,
            created_at__gte=since,
            created_at__lte=until,
            conversation__state=Conversation.State.OPEN,
        )
        .exclude(Exists(answered))
        .values_list("conversation_id", "pk")
    )
