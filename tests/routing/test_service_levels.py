"""Each conversation's due time and its met/breached records: first and next response, counted in
office hours across a weekend, a holiday and a daylight-saving change; moved with the team."""

from datetime import timedelta

import pytest

from concierge.conversations import services
from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput
from concierge.routing.models import ResponseTarget, ServiceLevelTarget
from concierge.routing.services.hours import set_office_hours, set_service_level_targets

from .conftest import new_york

Outcome = ResponseTarget.Outcome


@pytest.fixture
def targets(workspace, office_hours):
    return set_service_level_targets(workspace, first_response_minutes=60, next_response_minutes=30)


def fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def test_first_response_due_across_a_holiday_weekend_and_met(workspace, contact, owner, targets):
    # Thursday 3 July 16:30: 30 minutes that day, Friday is Independence Day, then the weekend.
    conversation = services.start_conversation(
        workspace, contact=contact, body="Help", at=new_york(2025, 7, 3, 16, 30)
    )
    assert fresh(conversation).response_due_at == new_york(2025, 7, 7, 9, 30)
    services.reply_as_teammate(conversation, owner, "On it", at=new_york(2025, 7, 7, 9, 10))
    assert fresh(conversation).response_due_at is None
    record = ResponseTarget.objects.get(conversation=conversation)
    assert (record.kind, record.outcome, record.ended_at) == (
        "first",
        Outcome.MET,
        new_york(2025, 7, 7, 9, 10),
    )


def test_due_across_the_clock_change(workspace, contact, targets):
    # Friday 7 March 16:30 EST; Monday 10 March is EDT: due 09:30 New York time, 13:30 UTC.
    conversation = services.start_conversation(
        workspace, contact=contact, body="Help", at=new_york(2025, 3, 7, 16, 30)
    )
    due = fresh(conversation).response_due_at
    assert due == new_york(2025, 3, 10, 9, 30)
    assert due.utcoffset() is not None and (due - new_york(2025, 3, 7, 16, 30)) == timedelta(days=2, hours=16)


def test_next_response_after_the_customer_writes_again_and_breached(workspace, contact, owner, targets):
    conversation = services.start_conversation(
        workspace, contact=contact, body="Help", at=new_york(2025, 3, 12, 10, 0)
    )
    services.reply_as_teammate(conversation, owner, "Hi", at=new_york(2025, 3, 12, 10, 20))
    services.reply_as_contact(conversation, "Still broken", at=new_york(2025, 3, 12, 11, 0))
    services.reply_as_contact(conversation, "Hello?", at=new_york(2025, 3, 12, 11, 10))  # the same clock runs
    assert fresh(conversation).response_due_at == new_york(2025, 3, 12, 11, 30)
    services.reply_as_teammate(conversation, owner, "Sorry", at=new_york(2025, 3, 12, 11, 45))
    records = list(ResponseTarget.objects.filter(conversation=conversation).order_by("started_at"))
    assert [(r.kind, r.outcome) for r in records] == [("first", Outcome.MET), ("next", Outcome.BREACHED)]
    assert fresh(conversation).response_due_at is None


def test_a_note_or_a_bot_answer_does_not_stop_the_clock(workspace, contact, owner, targets):
    conversation = services.start_conversation(
        workspace, contact=contact, body="Help", at=new_york(2025, 3, 12, 10, 0)
    )
    services.add_note(conversation, owner, "Looking", at=new_york(2025, 3, 12, 10, 5))
    services.deliver_bot_answer(conversation, "Try this article", at=new_york(2025, 3, 12, 10, 6))
    assert fresh(conversation).response_due_at == new_york(2025, 3, 12, 11, 0)


def test_a_conversation_a_teammate_starts_owes_nothing_until_the_customer_answers(
    workspace, contact, owner, targets
):
    conversation = services.start_conversation(
        workspace, contact=contact, teammate=owner, body="Your renewal", at=new_york(2025, 3, 12, 10, 0)
    )
    assert fresh(conversation).response_due_at is None
    services.reply_as_contact(conversation, "Thanks, a question", at=new_york(2025, 3, 12, 10, 30))
    assert ResponseTarget.objects.get(conversation=conversation).kind == "next"
    assert fresh(conversation).response_due_at == new_york(2025, 3, 12, 11, 0)


def test_closing_before_it_is_due_is_not_counted_after_it_is_breached(workspace, contact, owner, targets):
    early = services.start_conversation(
        workspace, contact=contact, body="Spam", at=new_york(2025, 3, 12, 10, 0)
    )
    services.close_conversation(early, teammate=owner, at=new_york(2025, 3, 12, 10, 10))
    late = services.start_conversation(
        workspace, contact=contact, body="Help", at=new_york(2025, 3, 12, 10, 0)
    )
    services.close_conversation(late, teammate=owner, at=new_york(2025, 3, 12, 12, 0))
    assert ResponseTarget.objects.get(conversation=early).outcome == Outcome.CANCELLED
    assert ResponseTarget.objects.get(conversation=late).outcome == Outcome.BREACHED
    assert fresh(early).response_due_at is None and fresh(late).response_due_at is None


def test_moving_to_a_team_counts_by_the_teams_targets_and_hours(workspace, contact, team, targets):
    set_service_level_targets(workspace, team=team, first_response_minutes=15, next_response_minutes=15)
    set_office_hours(
        workspace,
        team=team,
        timezone_name="Europe/Berlin",
        intervals=[(d, "08:00", "18:00") for d in range(5)],
    )
    conversation = services.start_conversation(
        workspace, contact=contact, body="Help", at=new_york(2025, 3, 12, 10, 0)
    )
    services.assign_conversation(
        conversation, teammate=None, assignee=None, team=team, at=new_york(2025, 3, 12, 10, 1)
    )
    # 10:00 New York is 15:00 Berlin: 15 minutes of the team's office time later.
    assert fresh(conversation).response_due_at == new_york(2025, 3, 12, 10, 15)
    assert ResponseTarget.objects.get(conversation=conversation).team == team


def test_without_targets_nothing_is_due(workspace, contact, office_hours):
    conversation = services.start_conversation(workspace, contact=contact, body="Help")
    assert fresh(conversation).response_due_at is None
    assert not ResponseTarget.objects.exists()


@pytest.mark.parametrize(
    "first, field",
    [(0, "first_response_minutes"), ("ten", "first_response_minutes"), (10**9, "first_response_minutes")],
)
def test_bad_targets_are_refused(workspace, first, field):
    with pytest.raises(InvalidInput) as refused:
        set_service_level_targets(workspace, first_response_minutes=first, next_response_minutes=30)
    assert refused.value.field == field
    assert not ServiceLevelTarget.objects.exists()


def test_another_workspaces_team_is_refused(workspace, other_workspace):
    from concierge.workspaces.services import create_team

    foreign = create_team(other_workspace, name="Theirs")
    with pytest.raises(InvalidInput):
        set_service_level_targets(
            workspace, team=foreign, first_response_minutes=10, next_response_minutes=10
        )
