"""Reads of what a team offers: session types, triggers, questions, and which rule (if any) makes a
customer ineligible."""

from django.db.models import Prefetch, QuerySet

from concierge.core.errors import NotFound
from concierge.meetings.models import BookingTrigger, EligibilityRule, IntakeQuestion, SessionType
from concierge.workspaces.models import Workspace


def session_types(workspace: Workspace, *, active_only: bool = False) -> QuerySet[SessionType]:
    queryset = SessionType.objects.filter(workspace=workspace)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.select_related("host_team").prefetch_related("hosts", "triggers").order_by("name", "id")


def session_type_by_id(workspace: Workspace, session_type_id: int) -> SessionType:
    session_type = (
        SessionType.objects.filter(workspace=workspace, pk=session_type_id)
        .select_related("workspace", "host_team")
        .prefetch_related(
            "hosts",
            Prefetch("questions", queryset=IntakeQuestion.objects.order_by("position", "id")),
            Prefetch("eligibility_rules", queryset=EligibilityRule.objects.order_by("position", "id")),
            "triggers",
        )
        .first()
    )
    if session_type is None:
        raise NotFound(f"No session type with id {session_type_id} in this workspace.")
    return session_type


def trigger_by_token(token: str) -> BookingTrigger:
    """The public booking link's trigger; an unknown or switched-off link is a 404."""
    trigger = (
        BookingTrigger.objects.filter(token=token or "", is_active=True, session_type__is_active=True)
        .select_related("session_type", "session_type__workspace")
        .first()
    )
    if trigger is None:
        raise NotFound("This booking link does not exist or is no longer offered.")
    return trigger


def trigger_by_id(workspace: Workspace, trigger_id: int) -> BookingTrigger:
    trigger = (
        BookingTrigger.objects.filter(workspace=workspace, pk=trigger_id)
        .select_related("session_type")
        .first()
    )
    if trigger is None:
        raise NotFound(f"No booking trigger with id {trigger_id} in this workspace.")
    return trigger


def intake_questions(session_type: SessionType) -> list[IntakeQuestion]:
    return list(IntakeQuestion.objects.filter(session_type=session_type).order_by("position", "id"))


def intake_question_of(session_type: SessionType, question_id: int) -> IntakeQuestion:
    """One of the session type's questions; another type's (or workspace's) is a NotFound."""
    question = IntakeQuestion.objects.filter(
        workspace_id=session_type.workspace_id, session_type=session_type, pk=question_id
    ).first()
    if question is None:
        raise NotFound(f"No intake question with id {question_id} for this session type.")
    return question


def eligibility_rule_of(session_type: SessionType, rule_id: int) -> EligibilityRule:
    """One of the session type's eligibility rules; another type's (or workspace's) is a NotFound."""
    rule = EligibilityRule.objects.filter(
        workspace_id=session_type.workspace_id, session_type=session_type, pk=rule_id
    ).first()
    if rule is None:
        raise NotFound(f"No eligibility rule with id {rule_id} for this session type.")
    return rule


def _normalised(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split()).lower()


def rule_matches(rule: EligibilityRule, actual) -> bool:
    """Whether the contact's attribute or answer `actual` makes them ineligible under `rule`."""
    missing = actual is None or (isinstance(actual, str) and not actual.strip())
    Operator = EligibilityRule.Operator
    if rule.operator == Operator.MISSING:
        return missing
    if rule.operator == Operator.NOT_EQUALS:
        return missing or _normalised(actual) != _normalised(rule.value)
    if rule.operator == Operator.NOT_IN:
        return missing or _normalised(actual) not in {_normalised(v) for v in rule.value}
    if missing:
        return False
    if rule.operator == Operator.EQUALS:
        return _normalised(actual) == _normalised(rule.value)
    if rule.operator == Operator.IN:
        return _normalised(actual) in {_normalised(v) for v in rule.value}
    if rule.operator == Operator.CONTAINS:
        if isinstance(actual, list | tuple):
            return _normalised(rule.value) in {_normalised(v) for v in actual}
        return _normalised(rule.value) in _normalised(actual)
    return False


def eligibility_problem(
    session_type: SessionType, *, attributes: dict | None, answers: dict | None
) -> EligibilityRule | None:
    """The first rule that makes this customer ineligible, or None when they may book."""
    attributes = attributes or {}
    answers = answers or {}
    for rule in EligibilityRule.objects.filter(session_type=session_type).order_by("position", "id"):
        source = attributes if rule.source == EligibilityRule.Source.ATTRIBUTE else answers
        if rule_matches(rule, source.get(rule.key)):
            return rule
    return None
