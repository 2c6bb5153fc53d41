"""The audit trail page (/w/<slug>/settings/audit/): owners and admins read their workspace's trail,
newest first, in their own zone and language, with filters and pages; an agent is told it is not for
them (403); someone from elsewhere finds nothing (404)."""

import re
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import reverse

from concierge.workspaces.services import (
    Actor,
    add_teammate,
    create_team,
    record_audit,
    update_teammate,
    update_workspace,
)

URL = reverse("web:audit_trail", args=["acme"])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def entry_actions(page: str) -> list[str]:
    return re.findall(r'data-action="([^"]+)"', page)


def entry_targets(page: str) -> list[str]:
    return re.findall(r'<span class="audit-target">([^<]+)</span>', page)


def test_owners_and_admins_read_the_trail_newest_first(
    owner_client, workspace, owner, agent, other_workspace
):
    create_team(workspace, name="Billing", members=[agent], actor=Actor.for_teammate(owner))
    update_workspace(other_workspace, name="Globex secret rename")
    response = owner_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert entry_actions(page)[:2] == ["team.created", "teammate.added"]
    assert "Team created" in page and "Billing" in page and "Avery Agent" in page
    assert 'by <span class="audit-actor audit-actor-teammate">Olivia Owner</span>' in page
    assert "Globex" not in page
    assert 'aria-current="page">Settings</a>' in page  # the side navigation marks the settings
    assert 'aria-current="page">Audit trail</a>' in page  # and the settings' own, the trail

    update_teammate(agent, role="admin")
    owner_client.force_login(agent.user)
    assert owner_client.get(URL).status_code == 200


def test_an_agent_is_told_only_owners_and_admins_can_read_it(client, workspace, agent, owner):
    client.force_login(agent.user)
    response = client.get(URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only owners and admins can read the audit trail." in page
    assert "Audit trail</a>" not in page and "Settings</a>" not in page  # nor in their navigation
    assert "Audit trail</a>" in (client.force_login(owner.user) or client.get(URL).content.decode())


def test_someone_from_another_workspace_finds_nothing_and_a_stranger_signs_in(
    client, workspace, other_workspace
):
    client.force_login(other_workspace.teammates.get().user)
    assert client.get(URL).status_code == 404
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_times_are_in_the_readers_zone_and_language(owner_client, workspace, owner):
    with transaction.atomic():
        record_audit(
            workspace,
            "api_key.revoked",
            actor=Actor.for_teammate(owner),
            target=workspace,
            changes={"revoked_at": [None, "2025-03-04T19:05:00+00:00"]},
            at=datetime(2025, 3, 4, 19, 5, tzinfo=UTC),
        )
    page = owner_client.get(URL).content.decode()
    assert "Tuesday 4 March 2025" in page and ">2:05 PM</time>" in page  # New York, in English
    assert "Revoked:" in page and "Tuesday 4 March, 2:05 PM, New York time" in page

    update_teammate(owner, timezone_name="Europe/Berlin", locale="de")
    page = owner_client.get(URL).content.decode()
    assert "Dienstag 4 März 2025" in page and ">20:05</time>" in page  # Berlin, in German
    assert "times are Berlin time" in page


def test_filters_by_what_who_and_days(owner_client, workspace, owner, agent):
    create_team(workspace, name="Billing", actor=Actor.for_teammate(owner))
    update_teammate(agent, locale="de", actor=Actor.for_teammate(agent))
    assert entry_actions(owner_client.get(URL, {"action": "team"}).content.decode()) == ["team.created"]
    assert entry_actions(owner_client.get(URL, {"actor": agent.pk}).content.decode()) == ["teammate.updated"]
    assert (
        entry_actions(owner_client.get(URL, {"since": "2000-01-01", "until": "2000-01-31"}).content.decode())
        == []
    )
    everything = owner_client.get(URL, {"action": "", "actor": "", "since": "", "until": ""})
    assert len(entry_actions(everything.content.decode())) == len(
        entry_actions(owner_client.get(URL).content.decode())
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "From: Enter a valid date."),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "From must not be after To."),
        ({"action": "secrets"}, "What: Select a valid choice."),
        ({"actor": "abc"}, "Who: Select a valid choice."),
        ({"cursor": "garbage"}, "cursor is not valid"),
        ({"since": "0001-01-01"}, "since is out of range."),  # midnight in Berlin is before year 1 in UTC
    ],
)
def test_a_bad_filter_is_a_422_that_says_why(owner_client, workspace, owner, params, message):
    update_teammate(owner, timezone_name="Europe/Berlin")
    response = owner_client.get(URL, params)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_another_workspaces_teammate_is_not_a_filter(owner_client, workspace, other_workspace):
    # A name no page of Acme's shows otherwise (the default, "owner", is in the signed-in address).
    stranger = update_teammate(other_workspace.teammates.get(), name="Gina Globex")
    response = owner_client.get(URL, {"actor": stranger.pk})
    assert response.status_code == 422 and stranger.name not in response.content.decode()


def test_pages_of_fifty_from_newest_to_oldest(owner_client, workspace, owner):
    for n in range(55):
        add_teammate(
            workspace, email=f"t{n}@acme.test", name=f"Teammate {n:02d}", actor=Actor.for_teammate(owner)
        )
    first = owner_client.get(URL, {"action": "teammate"}).content.decode()
    assert entry_targets(first) == [f"Teammate {n:02d}" for n in range(54, 4, -1)]
    older = re.search(r'href="([^"]+cursor=[^"]+)">Older entries', first).group(1).replace("&amp;", "&")
    assert "action=teammate" in older
    second = owner_client.get(older).content.decode()
    assert entry_targets(second) == [
        "Teammate 04",
        "Teammate 03",
        "Teammate 02",
        "Teammate 01",
        "Teammate 00",
        "Olivia Owner",
    ]
    assert "Older entries" not in second and ">Newest</a>" in second


def test_changes_read_in_a_fixed_order_on_either_database(owner_client, owner):
    from concierge.meetings.services.availability import set_weekly_hours

    hours = [("friday", "10:00", "14:00"), ("monday", "09:00", "17:00"), ("wednesday", "09:00", "12:00")]
    set_weekly_hours(owner, hours, timezone_name="America/New_York", actor=Actor.for_teammate(owner))
    page = owner_client.get(URL, {"action": "availability"}).content.decode()
    fields = re.findall(r'<span class="audit-field">([^<]+):</span>', page)
    assert fields == ["Monday", "Wednesday", "Friday", "Time zone"]
