"""Rules: each trigger, condition and action, their order and stop, broken rules skipped, bad input
refused whole — run the way the worker runs them (the task enqueued with the change)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concierge.contacts.services import create_contact
from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation, Part
from concierge.core.errors import InvalidInput
from concierge.routing.models import Rule
from concierge.routing.selectors.rules import broken_references, preview_rule, references_of
from concierge.routing.services.rules import (
    RuleInput,
    create_rule,
    delete_rule,
    move_rule,
    run_rules,
    run_waiting_rules,
    set_rule_enabled,
    update_rule,
)
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import delete_team

pytestmark = pytest.mark.django_db


def fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def rule_parts(conversation) -> list[tuple[str, str]]:
    return [
        (p.kind, p.data["rule"]) for p in Part.objects.filter(conversation=conversation) if "rule" in p.data
    ]


def test_a_started_conversation_runs_the_matching_rule_and_the_timeline_names_it(
    workspace, team, start, make_rule, run_tasks
):
    bug = conversations.tag_for_name(workspace, "bug")
    make_rule(
        "Crashes to Reliability",
        conditions=[{"field": "message", "operator": "contains_any", "value": ["crash", "error"]}],
        actions=[
            {"type": "tag", "tag_id": bug.pk},
            {"type": "set_priority", "priority": "high"},
            {"type": "assign_team", "team_id": team.pk},
        ],
    )
    crash = start("The app crashes when I export")
    question = start("How do I change my plan?")
    run_tasks()
    crash, question = fresh(crash), fresh(question)
    assert (crash.team, crash.priority, list(crash.tags.all())) == (team, "high", [bug])
    assert rule_parts(crash) == [
        ("tags", "Crashes to Reliability"),
        ("priority", "Crashes to Reliability"),
        ("assignment", "Crashes to Reliability"),
    ]
    assert (question.team, question.priority, rule_parts(question)) == (None, "normal", [])


def test_the_timeline_shows_the_rules_name(client, workspace, owner, team, start, make_rule, run_tasks):
    make_rule("Everything to Reliability", actions=[{"type": "assign_team", "team_id": team.pk}])
    conversation = start("Hi")
    run_tasks()
    client.force_login(owner.user)
    page = client.get(f"/w/acme/inbox/{conversation.pk}/").content.decode()
    assert "by rule “Everything to Reliability”" in page


def test_a_teammates_outreach_runs_no_started_rules(workspace, owner, team, start, make_rule, run_tasks):
    make_rule("All to Reliability", actions=[{"type": "assign_team", "team_id": team.pk}])
    outreach = start("Checking in", teammate=owner)
    run_tasks()
    assert fresh(outreach).team is None


def test_a_contact_reply_runs_the_reply_rules_on_that_message(workspace, start, make_rule, run_tasks):
    make_rule(
        "Angry replies are urgent",
        trigger="contact_replied",
        conditions=[{"field": "message", "operator": "contains_any", "value": ["unacceptable"]}],
        actions=[{"type": "set_priority", "priority": "urgent"}],
    )
    conversation = start("This is unacceptable")  # started, not a reply: no run
    run_tasks()
    assert fresh(conversation).priority == "normal"
    conversations.reply_as_contact(conversation, "Still waiting. This is unacceptable!")
    run_tasks()
    assert fresh(conversation).priority == "urgent"


def test_tagging_runs_the_tagged_rules(workspace, team, start, make_rule, run_tasks):
    security = conversations.tag_for_name(workspace, "security")
    make_rule(
        "Security is urgent",
        trigger="tagged",
        conditions=[{"field": "tag", "operator": "is", "value": security.pk}],
        actions=[{"type": "set_priority", "priority": "urgent"}],
    )
    conversation = start("Question")
    conversations.tag_conversation(conversation, conversations.tag_for_name(workspace, "billing"))
    run_tasks()
    assert fresh(conversation).priority == "normal"
    conversations.tag_conversation(conversation, security)
    run_tasks()
    assert fresh(conversation).priority == "urgent"


def test_reopening_runs_the_reopened_rules(workspace, owner, start, make_rule, run_tasks):
    make_rule("Reopened: note", trigger="reopened", actions=[{"type": "add_note", "body": "Came back."}])
    conversation = start("Hi")
    conversations.close_conversation(conversation, teammate=owner)
    conversations.reopen_conversation(fresh(conversation), teammate=owner)
    run_tasks()
    note = Part.objects.get(conversation=conversation, kind="note")
    assert (note.author_teammate, note.data["rule"], "Came back." in note.body) == (
        None,
        "Reopened: note",
        True,
    )


def test_a_conversation_that_waited_without_a_reply_runs_the_waiting_rule_once(
    workspace, owner, start, make_rule
):
    rule = make_rule(
        "Waited an hour",
        trigger="waited_without_reply",
        wait_minutes=60,
        actions=[{"type": "set_priority", "priority": "high"}],
    )
    Rule.objects.filter(pk=rule.pk).update(created_at=timezone.now() - timedelta(days=1))
    waiting = start("Anyone?", minutes_ago=90)
    answered = start("Help", minutes_ago=90)
    conversations.reply_as_teammate(answered, owner, "On it", at=timezone.now() - timedelta(minutes=80))
    recent = start("Just wrote", minutes_ago=10)
    assert run_waiting_rules() == 1
    assert run_waiting_rules() == 0  # once per message
    assert [fresh(c).priority for c in (waiting, answered, recent)] == ["high", "normal", "normal"]


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ({"field": "message", "operator": "contains_any", "value": ["refund"]}, True),
        ({"field": "message", "operator": "contains_any", "value": ["fun"]}, False),  # whole words only
        ({"field": "message", "operator": "contains_none", "value": ["refund"]}, False),
        ({"field": "message", "operator": "contains_any", "value": ["invoice"]}, True),  # the subject counts
        ({"field": "channel", "operator": "is", "value": "email"}, True),
        ({"field": "channel", "operator": "is_not", "value": "email"}, False),
        ({"field": "priority", "operator": "is", "value": "normal"}, True),
        ({"field": "contact.plan", "operator": "is", "value": "Enterprise"}, True),
        ({"field": "contact.plan", "operator": "is_not", "value": "enterprise"}, False),
        ({"field": "contact.company", "operator": "contains", "value": "globo"}, True),
        ({"field": "contact.seats", "operator": "gte", "value": 250}, True),
        ({"field": "contact.seats", "operator": "lt", "value": 250}, False),
        ({"field": "contact.locale", "operator": "starts_with", "value": "pt"}, True),
        ({"field": "contact.city", "operator": "is", "value": "Lisbon"}, True),
        ({"field": "office_hours", "operator": "within", "value": None}, True),  # hours: open until set
        ({"field": "office_hours", "operator": "outside", "value": None}, False),
    ],
)
def test_each_condition(workspace, make_rule, run_tasks, condition, holds):
    customer = create_contact(
        workspace,
        external_id="big-1",
        city="Lisbon",
        locale="pt-PT",
        attributes={"plan": "enterprise", "company": "Globomantics", "seats": 250},
    )
    make_rule("Condition", conditions=[condition], actions=[{"type": "set_priority", "priority": "low"}])
    conversation = conversations.start_conversation(
        workspace, contact=customer, body="I want a refund", subject="Invoice", channel="email"
    )
    run_tasks()
    assert (fresh(conversation).priority == "low") is holds


def test_a_tag_condition(workspace, start, make_rule):
    vip = conversations.tag_for_name(workspace, "vip")
    rule = make_rule(
        "VIP", conditions=[{"field": "tag", "operator": "is", "value": vip.pk}], actions=[{"type": "close"}]
    )
    tagged, plain = start("a"), start("b")
    conversations.tag_conversation(tagged, vip)
    assert [o.name for o in run_rules(workspace.pk, tagged.pk, "started", only=[rule])] == ["VIP"]
    assert run_rules(workspace.pk, plain.pk, "started", only=[rule]) == []


def test_any_matches_when_one_condition_holds_all_when_every_one_does(workspace, start, make_rule):
    conditions = [
        {"field": "message", "operator": "contains_any", "value": ["sso"]},
        {"field": "channel", "operator": "is", "value": "email"},
    ]
    any_rule = make_rule("Any", match="any", conditions=conditions, actions=[{"type": "close"}])
    all_rule = make_rule("All", conditions=conditions, actions=[{"type": "close"}])
    conversation = start("SSO is broken")  # messenger
    assert [
        o.name for o in run_rules(workspace.pk, conversation.pk, "started", only=[all_rule, any_rule])
    ] == ["Any"]


def test_each_action(workspace, members, team, start, make_rule, run_tasks):
    from concierge.routing.services.assignment import set_team_routing

    set_team_routing(team, method="round_robin", open_limit=None)
    make_rule("Assign Ben", actions=[{"type": "assign_teammate", "teammate_id": members[1].pk}])
    make_rule("By method", actions=[{"type": "assign_by_method", "team_id": team.pk}])
    make_rule(
        "Snooze", actions=[{"type": "snooze", "minutes": 30}, {"type": "add_note", "body": "Snoozed by rule"}]
    )
    make_rule("Close", actions=[{"type": "close"}])
    conversation = start("Hello")
    run_tasks()
    conversation = fresh(conversation)
    assert conversation.state == "closed"
    assert conversation.team == team and conversation.assignee == members[0]  # by method, after Ben
    assert [name for _, name in rule_parts(conversation)] == [
        "Assign Ben",
        "By method",
        "Snooze",
        "Snooze",
        "Close",
    ]


def test_rules_run_in_order_and_a_stopping_rule_ends_the_run(workspace, start, make_rule, run_tasks):
    make_rule("Second", actions=[{"type": "set_priority", "priority": "low"}])
    first = make_rule("First", actions=[{"type": "set_priority", "priority": "high"}])
    make_rule("Never", actions=[{"type": "set_priority", "priority": "urgent"}])
    move_rule(first, to=0)
    conversation = start("x")
    run_tasks()
    assert fresh(conversation).priority == "urgent"  # each ran, in order
    update_rule(
        Rule.objects.get(pk=Rule.objects.get(name="Second").pk),
        RuleInput(
            name="Second",
            trigger="started",
            conditions=[],
            actions=[{"type": "set_priority", "priority": "low"}],
            stop_after=True,
        ),
    )
    again = start("y")
    run_tasks()
    assert fresh(again).priority == "low"
    assert [r.name for r in Rule.objects.filter(workspace=workspace)] == ["First", "Second", "Never"]


def test_a_disabled_rule_does_not_run(workspace, start, make_rule, run_tasks):
    rule = make_rule("Off", actions=[{"type": "close"}])
    set_rule_enabled(rule, False)
    conversation = start("x")
    run_tasks()
    assert fresh(conversation).state == "open"


def test_a_rule_naming_a_deleted_team_is_broken_skipped_and_the_next_one_runs(
    workspace, team, start, make_rule, run_tasks, caplog
):
    broken = make_rule("To the old team", actions=[{"type": "assign_team", "team_id": team.pk}])
    make_rule("Then prioritise", actions=[{"type": "set_priority", "priority": "high"}])
    delete_team(team)
    broken.refresh_from_db()
    assert broken_references(broken, references_of(workspace.pk, [broken])) == ["action 1's team was deleted"]
    conversation = start("x")
    routing_runs = [result for result in run_tasks() if isinstance(result, list)]  # other apps react too
    assert routing_runs == [["To the old team: broken", "Then prioritise: ran"]]
    assert fresh(conversation).priority == "high" and fresh(conversation).team is None
    assert "Skipped the broken rule 'To the old team'" in caplog.text


def test_a_rule_naming_a_deactivated_teammate_is_broken(workspace, members, start, make_rule):
    from concierge.workspaces.services import update_teammate

    rule = make_rule("To Ana", actions=[{"type": "assign_teammate", "teammate_id": members[0].pk}])
    update_teammate(members[0], is_active=False)
    conversation = start("x")
    assert [o.outcome for o in run_rules(workspace.pk, conversation.pk, "started", only=[rule])] == ["broken"]
    assert fresh(conversation).assignee is None


def rule_table_reads(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return sum('"routing_rule"' in query["sql"] for query in queries.captured_queries)


def test_the_rules_are_read_once_per_set_up_and_again_after_any_change_of_it(
    workspace, team, members, start, make_rule
):
    rule = make_rule("To the team", actions=[{"type": "assign_team", "team_id": team.pk}])
    first, second = start("one"), start("two")
    assert rule_table_reads(lambda: run_rules(workspace.pk, first.pk, "started")) == 1
    assert rule_table_reads(lambda: run_rules(workspace.pk, second.pk, "started")) == 0  # kept
    assert fresh(second).team == team

    update_rule(
        rule,
        RuleInput(
            name="To Ana",
            trigger="started",
            conditions=[],
            actions=[{"type": "assign_teammate", "teammate_id": members[0].pk}],
        ),
    )
    third = start("three")
    assert [o.name for o in run_rules(workspace.pk, third.pk, "started")] == ["To Ana"]
    assert fresh(third).assignee == members[0]

    from concierge.workspaces.services import update_teammate

    update_teammate(members[0], is_active=False)  # what the kept rule names changed: read again
    fourth = start("four")
    assert [o.outcome for o in run_rules(workspace.pk, fourth.pk, "started")] == ["broken"]


BAD_RULES = [
    ({"name": ""}, "name"),
    ({"trigger": "whenever"}, "trigger"),
    ({"match": "some"}, "match"),
    ({"trigger": "waited_without_reply"}, "wait_minutes"),
    ({"trigger": "waited_without_reply", "wait_minutes": 0}, "wait_minutes"),
    ({"actions": []}, "actions"),
    ({"actions": [{"type": "explode"}]}, "actions.1"),
    ({"actions": [{"type": "tag", "tag_id": 999999}]}, "actions.1"),
    ({"actions": [{"type": "assign_team", "team_id": "x"}]}, "actions.1"),
    ({"actions": [{"type": "set_priority", "priority": "meh"}]}, "actions.1"),
    ({"actions": [{"type": "snooze", "minutes": -5}]}, "actions.1"),
    ({"actions": [{"type": "add_note", "body": "  "}]}, "actions.1"),
    ({"actions": [{"type": "send_saved_reply", "saved_reply_id": 1}]}, "actions.1"),
    ({"conditions": [{"field": "shoe size", "operator": "is", "value": 1}]}, "conditions.1"),
    ({"conditions": [{"field": "channel", "operator": "is", "value": "fax"}]}, "conditions.1"),
    ({"conditions": [{"field": "message", "operator": "contains_any", "value": []}]}, "conditions.1"),
    ({"conditions": [{"field": "mailbox", "operator": "is", "value": "help@"}]}, "conditions.1"),
    ({"conditions": [{"field": "contact.seats", "operator": "gt", "value": "many"}]}, "conditions.1"),
    ({"conditions": ["nope"]}, "conditions.1"),
]


@pytest.mark.parametrize(("change", "field"), BAD_RULES)
def test_bad_input_is_refused_whole_and_writes_nothing(workspace, change, field):
    given = {"name": "Rule", "trigger": "started", "conditions": [], "actions": [{"type": "close"}], **change}
    audited = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        create_rule(workspace, RuleInput(**given))
    assert refused.value.field == field and refused.value.message
    assert (Rule.objects.count(), AuditEntry.objects.count()) == (0, audited)


def test_two_rules_cannot_share_a_name_and_changes_are_audited(workspace, owner, make_rule):
    from concierge.core.errors import Conflict
    from concierge.workspaces.services import Actor

    rule = make_rule("Once", actions=[{"type": "close"}])
    with pytest.raises(Conflict):
        make_rule("Once", actions=[{"type": "close"}])
    set_rule_enabled(rule, False, actor=Actor.for_teammate(owner))
    delete_rule(rule, actor=Actor.for_teammate(owner))
    actions = list(
        AuditEntry.objects.filter(target_type="rule").values_list("action", flat=True).order_by("id")
    )
    assert actions == ["rule.created", "rule.disabled", "rule.deleted"]


def test_the_preview_judges_the_last_conversations_without_running_anything(workspace, start, make_rule):
    rule = make_rule(
        "Refunds",
        conditions=[{"field": "message", "operator": "contains_any", "value": ["refund"]}],
        actions=[{"type": "close"}],
    )
    start("Please refund me")
    start("Hello")
    rows = preview_rule(rule, at=timezone.now())
    assert [row.matched for row in rows] == [False, True]  # newest first
    assert Conversation.objects.filter(state="closed").count() == 0
