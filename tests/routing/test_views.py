"""Routing's pages: owners and admins edit, others are refused; bad input is a 4xx with a message and
writes nothing; another workspace's rule is a 404; every teammate has the away switch."""

import pytest

from concierge.routing.models import Rule, TeammateStatus, TeamRouting

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner.user)
    return client


RULE_FORM = {
    "name": "Crashes",
    "trigger": "started",
    "match": "all",
    "condition_field": ["message"],
    "condition_operator": ["contains_any"],
    "condition_value": ["crash, error"],
    "action_type": ["set_priority"],
    "action_target": ["high"],
    "action_text": [""],
    "enabled": "on",
}


def test_a_rule_is_made_and_edited_from_its_page_and_previewed(signed_in, workspace, team, start):
    start("It crashed again")
    start("Hello")
    made = signed_in.post(
        "/w/acme/routing/rules/new/",
        {
            **RULE_FORM,
            "action_type": ["set_priority", "assign_team"],
            "action_target": ["high", str(team.pk)],
            "action_text": ["", ""],
        },
    )
    rule = Rule.objects.get()
    assert made.status_code == 302 and made["Location"].endswith(f"/routing/rules/{rule.pk}/")
    assert rule.conditions == [{"field": "message", "operator": "contains_any", "value": ["crash", "error"]}]
    assert rule.actions == [
        {"type": "set_priority", "priority": "high"},
        {"type": "assign_team", "team_id": team.pk},
    ]
    page = signed_in.get(f"/w/acme/routing/rules/{rule.pk}/").content.decode()
    assert "Of the last 2 conversations, <strong>1</strong> would have matched" in page
    listed = signed_in.get("/w/acme/routing/").content.decode()
    assert "Crashes" in listed and "Reliability" in listed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "name"),
        ({"trigger": "sometimes"}, "Unknown trigger"),
        ({"action_type": [""]}, "at least one action"),
        ({"action_type": ["snooze"], "action_text": ["soon"]}, "whole number"),
        (
            {"condition_field": ["tag"], "condition_operator": ["is"], "condition_value": ["no-such-tag"]},
            "no such tag",
        ),
        (
            {"condition_field": ["mailbox"], "condition_operator": ["is"], "condition_value": ["x"]},
            "email channel",
        ),
        ({"action_type": ["assign_team"], "action_target": ["999999"]}, "no such team"),
    ],
)
def test_bad_input_on_the_editor_is_a_422_that_says_what_is_wrong(signed_in, change, message):
    answer = signed_in.post("/w/acme/routing/rules/new/", {**RULE_FORM, **change})
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert Rule.objects.count() == 0


def test_rules_are_reordered_disabled_and_deleted(signed_in, make_rule):
    first = make_rule("First", actions=[{"type": "close"}])
    second = make_rule("Second", actions=[{"type": "close"}])
    signed_in.post(f"/w/acme/routing/rules/{second.pk}/move/", {"direction": "up"})
    assert list(Rule.objects.values_list("name", flat=True)) == ["Second", "First"]
    assert (
        signed_in.post(f"/w/acme/routing/rules/{first.pk}/move/", {"direction": "sideways"}).status_code
        == 422
    )
    signed_in.post(f"/w/acme/routing/rules/{first.pk}/enabled/", {})
    assert Rule.objects.get(pk=first.pk).enabled is False
    signed_in.post(f"/w/acme/routing/rules/{first.pk}/delete/")
    assert list(Rule.objects.values_list("name", flat=True)) == ["Second"]


def test_another_workspaces_rule_is_a_404(client, other_workspace, workspace, owner):
    from concierge.routing.services.rules import RuleInput, create_rule

    theirs = create_rule(
        other_workspace,
        RuleInput(name="Theirs", trigger="started", conditions=[], actions=[{"type": "close"}]),
    )
    client.force_login(owner.user)
    assert client.get(f"/w/acme/routing/rules/{theirs.pk}/").status_code == 404
    assert client.post(f"/w/acme/routing/rules/{theirs.pk}/delete/").status_code == 404
    assert Rule.objects.filter(pk=theirs.pk).exists()


def test_an_agent_cannot_edit_routing(client, agent, make_rule):
    rule = make_rule("Mine", actions=[{"type": "close"}])
    client.force_login(agent.user)
    assert client.get("/w/acme/routing/").status_code == 403
    assert client.post(f"/w/acme/routing/rules/{rule.pk}/delete/").status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_a_rule_naming_a_deleted_team_shows_as_broken(signed_in, team, make_rule):
    from concierge.workspaces.services import delete_team

    make_rule("To the team", actions=[{"type": "assign_team", "team_id": team.pk}])
    delete_team(team)
    assert (
        "Broken, skipped: action 1&#x27;s team was deleted"
        in signed_in.get("/w/acme/routing/").content.decode()
    )


def test_the_editor_adds_rows(signed_in):
    assert 'name="condition_field"' in signed_in.get("/w/acme/routing/rules/rows/condition/").content.decode()
    assert 'name="action_type"' in signed_in.get("/w/acme/routing/rules/rows/action/").content.decode()
    assert signed_in.get("/w/acme/routing/rules/rows/other/").status_code == 404


def test_a_teams_assignment_settings_and_who_is_available(signed_in, members, team):
    from concierge.routing.services.assignment import set_away

    set_away(members[0], True)
    saved = signed_in.post(f"/w/acme/routing/teams/{team.pk}/", {"method": "balanced", "open_limit": "4"})
    assert saved.status_code == 302
    assert TeamRouting.objects.filter(team=team, method="balanced", open_limit=4).exists()
    page = signed_in.get(f"/w/acme/routing/teams/{team.pk}/").content.decode()
    assert "Not now: away" in page and page.count("Available") >= 2
    for bad in (
        {"method": "balanced", "open_limit": "four"},
        {"method": "fastest", "open_limit": ""},
        {"method": "balanced", "open_limit": "0"},
    ):
        answer = signed_in.post(f"/w/acme/routing/teams/{team.pk}/", bad)
        assert answer.status_code == 422
    assert TeamRouting.objects.get(team=team).open_limit == 4
    assert signed_in.get("/w/acme/routing/teams/999999/").status_code == 404


def test_every_teammate_can_set_themself_away_and_back(client, agent):
    client.force_login(agent.user)
    assert "Set yourself away" in client.get("/w/acme/inbox/").content.decode()
    client.post("/w/acme/routing/away/", {"away": "on", "next": "/w/acme/inbox/"})
    assert TeammateStatus.objects.get(teammate=agent).away is True
    assert "You are away" in client.get("/w/acme/inbox/").content.decode()
    client.post("/w/acme/routing/away/", {"away": "off"})
    assert TeammateStatus.objects.get(teammate=agent).away is False
    assert client.post("/w/acme/routing/away/", {"away": "maybe"}).status_code == 422
