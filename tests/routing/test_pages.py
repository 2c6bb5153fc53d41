"""Routing's pages: the service-level report's figures equal the conversations behind them, the
forms refuse bad input with a 422 and change nothing, another workspace's things are a 404, and the
inbox shows the due badge, the sort by due time and who is on support today."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from concierge.conversations import services
from concierge.routing import views_hours
from concierge.routing.models import OfficeHours, RosterDay
from concierge.routing.services.hours import set_office_hours, set_service_level_targets
from concierge.routing.services.rotation import (
    generate_roster,
    override_roster_day,
    roster_feed_for,
    set_rotation,
)
from concierge.workspaces import kept
from concierge.workspaces.models import Workspace
from concierge.workspaces.services import create_team

from .conftest import NEW_YORK


def url(name, workspace, *args):
    return reverse(f"web:{name}", args=[workspace.slug, *args])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


@pytest.fixture
def answered_and_not(workspace, contact, owner, team):
    """Round the clock (no office hours), first response within 60 minutes: two met, two breached."""
    set_service_level_targets(workspace, first_response_minutes=60, next_response_minutes=60)
    now = timezone.now()
    made = {}
    for name, started_ago, answered_after, with_team in [
        ("met-quick", 30, 20, False),
        ("met-team", 29, 59, True),
        ("late", 28, 90, False),
        ("never", 27, None, True),
    ]:
        at = now - timedelta(hours=started_ago)
        conversation = services.start_conversation(workspace, contact=contact, body=name, subject=name, at=at)
        if with_team:
            services.assign_conversation(conversation, teammate=None, assignee=None, team=team, at=at)
        if answered_after is not None:
            services.reply_as_teammate(conversation, owner, "Hi", at=at + timedelta(minutes=answered_after))
        made[name] = conversation
    return made


def test_the_report_equals_the_conversations_behind_it(owner_client, workspace, answered_and_not, team):
    response = owner_client.get(url("routing-service-levels", workspace), {"period": "day", "days": 7})
    page = response.content.decode()
    assert response.status_code == 200
    # Behind the figures: each conversation's first answer compared with its due time.
    met = [
        c
        for c in answered_and_not.values()
        if c.first_response_at is not None and c.first_response_at <= c.created_at + timedelta(minutes=60)
    ]
    assert len(met) == 2
    assert "<strong>50%</strong> of targets met" in page
    assert "2 met" in page and "2 breached" in page
    assert f"{team.name}</th>" in page and "No team</th>" in page
    assert "<svg" in page and 'class="bar"' in page
    breached = owner_client.get(
        url("routing-breached", workspace), {"period": "day", "days": 7}
    ).content.decode()
    assert "late" in breached and "never" in breached and "met-quick" not in breached
    only_team = owner_client.get(
        url("routing-breached", workspace), {"days": 7, "team": team.pk}
    ).content.decode()
    assert "never" in only_team and "late" not in only_team


@pytest.mark.parametrize("query", [{"period": "year"}, {"days": "5"}, {"days": "x"}, {"kind": "last"}])
def test_the_report_refuses_bad_choices(owner_client, workspace, query):
    assert owner_client.get(url("routing-service-levels", workspace), query).status_code == 422


def test_the_inbox_flags_and_sorts_by_due_time(owner_client, workspace, contact):
    set_service_level_targets(workspace, first_response_minutes=20, next_response_minutes=20)
    now = timezone.now()
    services.start_conversation(
        workspace, contact=contact, body="a", subject="Overdue one", at=now - timedelta(hours=1)
    )
    services.start_conversation(
        workspace, contact=contact, body="b", subject="Soon one", at=now - timedelta(minutes=5)
    )
    owed_nothing = services.start_conversation(workspace, contact=contact, body="c", subject="Later one")
    services.reply_as_teammate(owed_nothing, workspace.teammates.get(role="owner"), "Answered")
    page = owner_client.get(url("inbox", workspace), {"sort": "due"}).content.decode()
    assert "Overdue</span>" in page
    assert re.search(r"Due in 1[45] min", page)
    assert page.index("Overdue one") < page.index("Soon one") < page.index("Later one")


def test_the_inbox_says_who_is_on_support_today(owner_client, workspace, team, three_zones):
    rotation = set_rotation(team, order=list(three_zones))
    today = date.today()
    generate_roster(rotation, first_day=today - timedelta(days=7), last_day=today + timedelta(days=7))
    page = owner_client.get(url("inbox", workspace)).content.decode()
    assert "On support today: Reliability" in page


def test_who_is_on_support_costs_the_inbox_list_a_few_queries_not_a_schedule(
    owner_client, workspace, team, three_zones, django_assert_max_num_queries
):
    """The list alone takes eleven; the note adds the rotations, then for each rotation the zone
    of its team's office hours (its own, else the workspace's: one or two) and its day's roster,
    never the team's whole schedule nor its workspace again."""
    rotation = set_rotation(team, order=list(three_zones))
    today = date.today()
    generate_roster(rotation, first_day=today - timedelta(days=7), last_day=today + timedelta(days=7))
    with django_assert_max_num_queries(11 + 1 + 2 + 1):
        page = owner_client.get(
            url("inbox", workspace), headers={"HX-Request": "true", "HX-Target": "conversation-list"}
        )
    assert "On support today: Reliability" in page.content.decode()


@pytest.fixture
def nothing_kept():
    kept.forget()
    yield
    kept.forget()


@pytest.mark.django_db(transaction=True)
def test_a_roster_day_overridden_shows_in_the_next_inbox(
    owner_client, workspace, team, three_zones, nothing_kept, django_assert_max_num_queries
):
    west, east, europe = three_zones
    rotation = set_rotation(team, order=list(three_zones))
    today = timezone.now().astimezone(NEW_YORK).date()  # the team's day: the workspace's zone
    override_roster_day(rotation, today, west)
    fragment = {"HX-Request": "true", "HX-Target": "conversation-list"}
    assert "Reliability — Wes" in owner_client.get(url("inbox", workspace), headers=fragment).content.decode()
    with django_assert_max_num_queries(6):  # the rotations and today's roster kept
        owner_client.get(url("inbox", workspace), headers=fragment)
    override_roster_day(rotation, today, europe)
    page = owner_client.get(url("inbox", workspace), headers=fragment).content.decode()
    assert "Reliability — Eli" in page


@pytest.mark.django_db(transaction=True)
def test_who_is_on_support_is_kept_by_the_teams_own_day_not_the_workspaces(
    workspace, team, three_zones, nothing_kept, monkeypatch
):
    """The team counts its days in Los Angeles, the workspace in New York: between their midnights
    the same set-up answers for two different days."""
    west, east, europe = three_zones
    set_office_hours(
        workspace, team=team, timezone_name="America/Los_Angeles", intervals=[(0, "09:00", "17:00")]
    )
    rotation = set_rotation(team, order=list(three_zones))
    override_roster_day(rotation, date(2025, 3, 4), west)
    override_roster_day(rotation, date(2025, 3, 5), europe)
    request = SimpleNamespace(workspace=Workspace.objects.get(pk=workspace.pk))

    def on_support_at(instant):
        with monkeypatch.context() as patched:
            patched.setattr(views_hours.timezone, "now", lambda: instant)
            note = views_hours.on_support_note(request)
            return [(shown.name, [person.name for person in people]) for shown, people in note]

    # 01:00 on the 5th in New York is still the 4th in Los Angeles; 04:00 is the 5th there too.
    assert on_support_at(datetime(2025, 3, 5, 1, 0, tzinfo=NEW_YORK)) == [("Reliability", ["Wes"])]
    assert on_support_at(datetime(2025, 3, 5, 4, 0, tzinfo=NEW_YORK)) == [("Reliability", ["Eli"])]
    assert on_support_at(datetime(2025, 3, 5, 1, 0, tzinfo=NEW_YORK)) == [("Reliability", ["Wes"])]


def test_saving_office_hours_and_targets_from_the_page(owner_client, workspace):
    response = owner_client.post(
        url("routing-hours", workspace),
        {
            "team": "",
            "timezone": "America/New_York",
            "day_0": "09:00-12:00, 13:00-17:00",
            "holiday_country": "us",
            "first_response_minutes": "60",
            "next_response_minutes": "",
        },
    )
    assert response.status_code == 302
    hours = OfficeHours.objects.get(workspace=workspace)
    assert (hours.holiday_country, hours.intervals.count()) == ("US", 2)


@pytest.mark.parametrize(
    "posted",
    [
        {"day_0": "09:00"},
        {"day_0": "17:00-09:00"},
        {"timezone": "Nowhere/Land"},
        {"holiday_country": "ZZ"},
        {"first_response_minutes": "-5"},  # a bad target leaves the hours unsaved too
    ],
)
def test_the_hours_form_refuses_bad_input_and_saves_nothing(owner_client, workspace, posted):
    data = {
        "team": "",
        "timezone": "America/New_York",
        "day_0": "09:00-17:00",
        "first_response_minutes": "60",
    } | posted
    response = owner_client.post(url("routing-hours", workspace), data)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not OfficeHours.objects.filter(workspace=workspace).exists()


def test_an_agent_cannot_change_hours_or_the_rotation(client, workspace, agent, team):
    client.force_login(agent.user)
    assert client.post(url("routing-hours", workspace), {"team": "", "timezone": "UTC"}).status_code == 403
    assert (
        client.post(url("routing-rotation", workspace), {"team": team.pk, "action": "set"}).status_code == 403
    )
    assert client.get(url("routing-rotation", workspace)).status_code == 200


def test_the_rotation_page_generates_swaps_and_refuses_bad_input(owner_client, workspace, team, three_zones):
    post = {
        "team": team.pk,
        "month": "2025-03",
        "action": "set",
        "pattern": "every_weekday",
        "days_per_week": "1",
        "is_active": "on",
    }
    post |= {f"order_{index}": teammate.pk for index, teammate in enumerate(three_zones)}
    assert owner_client.post(url("routing-rotation", workspace), post).status_code == 302
    generate = {
        "team": team.pk,
        "month": "2025-03",
        "action": "generate",
        "first_day": "2025-03-03",
        "last_day": "2025-03-07",
    }
    assert owner_client.post(url("routing-rotation", workspace), generate).status_code == 302
    page = owner_client.get(
        url("routing-rotation", workspace), {"team": team.pk, "month": "2025-03"}
    ).content.decode()
    assert page.count('class="on-support origin-generated"') == 5
    before = list(RosterDay.objects.values_list("day", "teammate_id"))
    for bad in [
        {"action": "swap", "first": "2025-03-03", "second": "2025-03-03"},
        {"action": "swap", "first": "2025-03-03", "second": "soon"},
        {"action": "generate", "first_day": "2025-03-07", "last_day": "2025-03-01"},
        {"action": "override", "day": "2025-03-03", "teammate": "999999"},
        {"action": "explode"},
    ]:
        response = owner_client.post(
            url("routing-rotation", workspace), {"team": team.pk, "month": "2025-03"} | bad
        )
        assert response.status_code == 422, bad
    assert list(RosterDay.objects.values_list("day", "teammate_id")) == before
    assert owner_client.get(url("routing-rotation", workspace), {"month": "March"}).status_code == 422


def test_another_workspaces_roster_and_feed_are_404(
    owner_client, workspace, other_workspace, team, three_zones
):
    foreign_team = create_team(other_workspace, name="Theirs", members=[other_workspace.teammates.get()])
    set_rotation(foreign_team, order=[other_workspace.teammates.get()])
    assert owner_client.get(url("routing-rotation", workspace), {"team": foreign_team.pk}).status_code == 404
    foreign_feed = roster_feed_for(other_workspace.teammates.get())
    assert owner_client.get(url("routing-feed", workspace, foreign_feed.token)).status_code == 404
    assert owner_client.get(url("routing-feed", workspace, "not-a-token")).status_code == 404
    assert owner_client.get(url("routing-breached", workspace), {"team": foreign_team.pk}).status_code == 404


def test_the_feed_is_served_to_a_calendar_without_signing_in(client, workspace, team, three_zones):
    rotation = set_rotation(team, order=list(three_zones))
    today = date.today()
    generate_roster(rotation, first_day=today, last_day=today + timedelta(days=13))
    feed = roster_feed_for(three_zones[1])
    response = client.get(url("routing-feed", workspace, feed.token))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    days = [event.decoded("dtstart") for event in Calendar.from_ical(response.content).walk("VEVENT")]
    assert days == list(
        RosterDay.objects.filter(teammate=three_zones[1]).order_by("day").values_list("day", flat=True)
    )
    assert days
