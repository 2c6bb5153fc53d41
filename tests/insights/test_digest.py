"""The weekly digest: Monday from 9:00 in each teammate's own zone, once per week per teammate, in
their language, with their teams' top requests and bugs; an opt-out; through a real SMTP server."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from concierge.conversations.services import (
    assign_conversation,
    start_conversation,
    tag_conversation,
    tag_for_name,
)
from concierge.insights.models import DigestSent
from concierge.insights.services.digest import send_due_digests, set_digest_wanted
from concierge.insights.tasks import RECURRING, send_due_digests_task
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor, create_team, update_teammate
from tests.conftest import PASSWORD

BELGRADE = ZoneInfo("Europe/Belgrade")
NEW_YORK = ZoneInfo("America/New_York")


def a_past_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday() + 14)


@pytest.fixture
def week(workspace, owner, agent, contact):
    """A past week's feedback: a bug from Casey (the week before the Monday)."""
    monday = a_past_monday()
    at = datetime.combine(monday - timedelta(days=3), time(12), tzinfo=NEW_YORK)
    conversation = start_conversation(workspace, contact=contact, body="The CSV export drops accents", at=at)
    tag_conversation(conversation, tag_for_name(workspace, "bug"), at=at)
    return {"monday": monday, "conversation": conversation}


def at_local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def test_each_teammate_gets_it_monday_at_nine_in_their_zone_once(workspace, owner, agent, week, mailbox):
    monday = week["monday"]
    # Agent in Belgrade, owner in New York (the workspace's zone).
    assert send_due_digests(now=at_local(monday, 8, 59, BELGRADE)) == 0
    assert send_due_digests(now=at_local(monday, 9, 0, BELGRADE)) == 1
    assert len(mailbox.to("agent@acme.test")) == 1 and mailbox.to("owner@acme.test") == []
    assert send_due_digests(now=at_local(monday, 9, 30, BELGRADE)) == 0  # once
    assert send_due_digests(now=at_local(monday, 9, 0, NEW_YORK)) == 1
    assert len(mailbox.to("owner@acme.test")) == 1
    assert send_due_digests(now=at_local(monday, 20, 0, NEW_YORK)) == 0
    assert send_due_digests(now=at_local(monday + timedelta(days=3), 9, 0, NEW_YORK)) == 0  # not on Thursday
    assert send_due_digests(now=at_local(monday + timedelta(days=7), 9, 5, BELGRADE)) == 1  # next week's
    assert DigestSent.objects.filter(teammate=agent).count() == 2
    (first, _) = mailbox.to("agent@acme.test")
    text = first.get_body(("plain",)).get_content()
    assert "bug: 1 customer" in text and "The CSV export drops accents" in text
    assert "/w/acme/insights/" in text


def test_a_retried_task_sends_nothing_twice(workspace, owner, agent, week, mailbox, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at_local(week["monday"], 10, 0, BELGRADE))
    assert (send_due_digests_task, timedelta(minutes=15)) in RECURRING
    assert send_due_digests_task.call() == 1
    assert send_due_digests_task.call() == 0
    assert len(mailbox.to("agent@acme.test")) == 1


def test_a_failed_send_is_tried_again_and_sent_once(workspace, owner, agent, week, mailbox):
    mailbox.refused["agent@acme.test"] = "451 4.3.0 Try again later"
    assert send_due_digests(now=at_local(week["monday"], 9, 0, BELGRADE)) == 0  # refused: the run goes on
    assert mailbox.to("agent@acme.test") == []
    assert not DigestSent.objects.filter(teammate=agent).exists()  # nothing half-written
    mailbox.refused.clear()
    assert send_due_digests(now=at_local(week["monday"], 9, 15, BELGRADE)) == 1
    assert len(mailbox.to("agent@acme.test")) == 1


def test_a_digest_claimed_by_a_worker_that_died_mid_send_is_sent_by_the_next_after_a_while(
    workspace, owner, agent, week, mailbox
):
    nine = at_local(week["monday"], 9, 0, BELGRADE)
    # What a worker killed between its claim and the mail server's answer leaves behind.
    DigestSent.objects.create(workspace=workspace, teammate=agent, week_of=week["monday"], claimed_at=nine)
    assert send_due_digests(now=nine + timedelta(minutes=10)) == 0  # perhaps still being sent
    assert send_due_digests(now=nine + timedelta(minutes=20)) == 1
    assert len(mailbox.to("agent@acme.test")) == 1
    assert DigestSent.objects.get(teammate=agent).sent_at == nine + timedelta(minutes=20)
    assert send_due_digests(now=nine + timedelta(minutes=40)) == 0


def test_the_digest_speaks_the_teammates_language_and_covers_their_teams(
    workspace, owner, agent, week, mailbox
):
    from concierge.contacts.services import create_contact

    update_teammate(agent, locale="de", actor=Actor.for_teammate(owner))
    team = create_team(workspace, name="Billing", members=[agent], actor=Actor.for_teammate(owner))
    send_due_digests(now=at_local(week["monday"], 9, 0, BELGRADE))
    (email,) = mailbox.to("agent@acme.test")
    assert email["Subject"] == "Produkt-Feedback dieser Woche: Billing"
    text = email.get_body(("plain",)).get_content()
    assert "Hallo Avery Agent" in text
    assert (
        "Diese Woche wurde kein Gespräch als Produkt-Feedback markiert." in text
    )  # the bug is not Billing's
    assert "vom Montag" in text and "bis Sonntag" in text  # the week's days, in German
    # A week with one bug for Billing and one for nobody's team: the agent's digest has Billing's only,
    # the owner's (in no team) the whole workspace's.
    monday = week["monday"] + timedelta(days=7)
    at = datetime.combine(monday - timedelta(days=2), time(12), tzinfo=NEW_YORK)
    for n, with_team in enumerate((True, False)):
        someone = create_contact(
            workspace, external_id=f"c{n}", name=f"Customer {n}", attributes={"seats": 1 - n}
        )
        conversation = start_conversation(workspace, contact=someone, body=f"Bug number {n}", at=at)
        tag_conversation(conversation, tag_for_name(workspace, "bug"), at=at)
        if with_team:
            assign_conversation(conversation, teammate=None, assignee=None, team=team, at=at)
    send_due_digests(now=at_local(monday, 9, 0, BELGRADE))
    send_due_digests(now=at_local(monday, 9, 0, NEW_YORK))
    agents = mailbox.to("agent@acme.test")[-1].get_body(("plain",)).get_content()
    assert "bug: 1 Kunde (1 Platz)" in agents and "Bug number 0" in agents and "Bug number 1" not in agents
    owners = mailbox.to("owner@acme.test")[-1].get_body(("plain",)).get_content()
    assert "bug: 2 customers (1 seat)" in owners and "Bug number 1" in owners


def test_a_teammate_turns_it_off_on_their_page(workspace, owner, agent, week, mailbox):
    client = Client()
    assert client.login(username="agent@acme.test", password=PASSWORD)
    assert client.get("/w/acme/insights/digest/").status_code == 200
    assert client.post("/w/acme/insights/digest/", {"wanted": "maybe"}).status_code == 400
    assert client.post("/w/acme/insights/digest/", {"wanted": "off"}).status_code == 302
    assert send_due_digests(now=at_local(week["monday"], 9, 0, BELGRADE)) == 0
    entry = AuditEntry.objects.get(action="teammate.digest_set")
    assert entry.changes["weekly_digest"] == [True, False] and entry.actor_teammate == agent
    assert not set_digest_wanted(agent, False, actor=Actor.for_teammate(agent))
    assert client.post("/w/acme/insights/digest/", {"wanted": "on"}).status_code == 302
    assert send_due_digests(now=at_local(week["monday"], 9, 0, BELGRADE)) == 1
