"""Assignment by a team's method: round-robin spreads evenly, balanced respects limits, away and
out-of-hours teammates get nothing, the queue drains oldest first as soon as someone has room."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput
from concierge.meetings.services.availability import set_weekly_hours
from concierge.routing.models import TeamRouting
from concierge.routing.selectors.availability import team_availability
from concierge.routing.services.assignment import (
    assign_by_team_method,
    drain_queues,
    set_away,
    set_team_routing,
)
from concierge.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def assignees(conversations_) -> list:
    return [Conversation.objects.get(pk=c.pk).assignee for c in conversations_]


def test_round_robin_spreads_a_thousand_conversations_evenly(workspace, members, team, contact):
    set_team_routing(team, method="round_robin", open_limit=None)
    start = timezone.now() - timedelta(days=1)
    given = Counter()
    for number in range(1000):
        conversation = conversations.start_conversation(
            workspace, contact=contact, body=f"#{number}", at=start + timedelta(seconds=number)
        )
        given[assign_by_team_method(conversation, team, at=start + timedelta(seconds=number))] += 1
    assert sorted(given.values()) == [333, 333, 334]
    assert set(given) == set(members)


def test_balanced_gives_to_the_fewest_open_and_never_past_the_limit(members, team, start):
    ana, ben, cleo = members
    set_team_routing(team, method="balanced", open_limit=2)
    for _ in range(2):
        conversations.assign_conversation(start("busy"), teammate=None, assignee=ana, team=team)
    made = [start(f"n{n}") for n in range(5)]
    chosen = [assign_by_team_method(c, team) for c in made]
    assert Counter(chosen) == {ben: 2, cleo: 2, None: 1}
    assert chosen[:2] in ([ben, cleo], [cleo, ben])  # the emptiest first, in turn
    counts = {a.teammate: a.open_count for a in team_availability(team, timezone.now())}
    assert counts == {ana: 2, ben: 2, cleo: 2}
    waiting = Conversation.objects.get(pk=made[-1].pk)
    assert (waiting.team, waiting.assignee) == (team, None)  # in the team's queue


def test_balanced_assignment_takes_a_fixed_number_of_queries(
    members, team, start, django_assert_max_num_queries
):
    """The members' open counts are one grouped count (from the (workspace, assignee, state)
    index), however many open conversations they hold."""
    set_team_routing(team, method="balanced", open_limit=None)
    for number in range(9):
        assign_by_team_method(start(f"earlier {number}"), team)
    conversation = start("now")
    # PostgreSQL locks the members' rows first (core.db.lock_rows): one statement more.
    with django_assert_max_num_queries(21 if connection.vendor == "postgresql" else 20):
        assert assign_by_team_method(conversation, team) in members


def test_manual_leaves_it_in_the_teams_queue(team, start):
    set_team_routing(team, method="manual", open_limit=None)
    conversation = start("x")
    assert assign_by_team_method(conversation, team) is None
    assert Conversation.objects.get(pk=conversation.pk).team == team


def test_away_and_out_of_hours_teammates_get_nothing(members, team, start):
    ana, ben, cleo = members
    set_team_routing(team, method="round_robin", open_limit=None)
    set_away(ana, True)
    now = timezone.now()
    # Ben works only on the weekday three days from now: not now.
    set_weekly_hours(ben, [((now.weekday() + 3) % 7, "09:00", "17:00")])
    chosen = {assign_by_team_method(start(f"{n}"), team) for n in range(6)}
    assert chosen == {cleo}
    reasons = {a.teammate: a.reason for a in team_availability(team, now)}
    assert reasons == {ana: "away", ben: "outside working hours", cleo: ""}


def test_the_queue_drains_oldest_first_when_someone_has_room(workspace, members, team, start):
    ana, ben, cleo = members
    set_team_routing(team, method="round_robin", open_limit=1)
    set_away(ben, True)
    set_away(cleo, True)
    first = start("first", minutes_ago=30)
    assert assign_by_team_method(first, team) == ana
    older, newer = start("older", minutes_ago=20), start("newer", minutes_ago=10)
    assert assign_by_team_method(newer, team) is None  # queued before the older one was
    assert assign_by_team_method(older, team) is None
    conversations.close_conversation(Conversation.objects.get(pk=first.pk), teammate=ana)
    assert drain_queues(workspace) == 1
    assert assignees([older, newer]) == [ana, None]  # the oldest first
    set_away(ben, False)  # back: the queue drains at once
    assert assignees([older, newer]) == [ana, ben]


def test_raising_the_limit_drains_the_queue(members, team, start):
    set_team_routing(team, method="balanced", open_limit=1)
    made = [start(f"{n}", minutes_ago=10 - n) for n in range(5)]
    for conversation in made:
        assign_by_team_method(conversation, team)
    assert assignees(made).count(None) == 2
    set_team_routing(team, method="balanced", open_limit=2)
    assert assignees(made).count(None) == 0


def test_closing_enqueues_the_drain(workspace, members, team, start, run_tasks):
    ana = members[0]
    for other in members[1:]:
        set_away(other, True)
    set_team_routing(team, method="round_robin", open_limit=1)
    first, waiting = start("1", minutes_ago=5), start("2", minutes_ago=4)
    assign_by_team_method(first, team)
    assign_by_team_method(waiting, team)
    run_tasks()
    conversations.close_conversation(Conversation.objects.get(pk=first.pk), teammate=ana)
    run_tasks()
    assert assignees([waiting]) == [ana]


@pytest.mark.parametrize(
    ("method", "limit", "field"),
    [("fastest", None, "method"), ("balanced", 0, "open_limit"), ("balanced", "3", "open_limit")],
)
def test_bad_settings_are_refused_and_write_nothing(team, method, limit, field):
    audited = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        set_team_routing(team, method=method, open_limit=limit)
    assert refused.value.field == field
    assert (TeamRouting.objects.count(), AuditEntry.objects.count()) == (0, audited)


def test_settings_and_away_are_audited(owner, members, team):
    from concierge.workspaces.services import Actor

    set_team_routing(team, method="balanced", open_limit=5, actor=Actor.for_teammate(owner))
    assert set_away(members[0], True) is True
    assert set_away(members[0], True) is False
    actions = list(
        AuditEntry.objects.filter(action__in=["team.routing_changed", "teammate.away"]).values_list(
            "action", "changes"
        )
    )
    assert (
        actions[-1] == ("team.routing_changed", {"method": [None, "balanced"], "open_limit": [None, 5]})
        or (
            "team.routing_changed",
            {"method": [None, "balanced"], "open_limit": [None, 5]},
        )
        in actions
    )
    assert ("teammate.away", {"away": [False, True]}) in actions
