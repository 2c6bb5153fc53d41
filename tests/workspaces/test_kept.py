"""What a workspace's set-up decides, kept per process while its set-up version stays: reused while
the version is the same, made again after any audited change (as the next request reads the
workspace), never from a change rolled back, never inside a transaction."""

import pytest
from django.db import transaction

from concierge.conversations import services as conversation_services
from concierge.conversations.forms import filter_choices
from concierge.workspaces import kept
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import team_names
from concierge.workspaces.services import create_team, rename_team, update_teammate, update_workspace

# Outside a transaction only: inside one (as each `db` test runs) nothing is kept.
kept_across_requests = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def nothing_kept_before_or_after():
    kept.forget()
    yield
    kept.forget()


def next_request(workspace: Workspace) -> Workspace:
    """The workspace as the next request reads it."""
    return Workspace.objects.get(pk=workspace.pk)


class Maker:
    """make() for kept_for, counting how often it is called."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def version_of(workspace: Workspace) -> int:
    return Workspace.objects.values_list("setup_version", flat=True).get(pk=workspace.pk)


@kept_across_requests
def test_a_kept_value_is_made_once_while_the_version_stays(workspace):
    make = Maker(("kept",))
    assert kept.kept_for(workspace, "thing", make) == ("kept",)
    assert kept.kept_for(next_request(workspace), "thing", make) == ("kept",)
    assert make.calls == 1


@kept_across_requests
def test_each_workspace_and_key_keeps_its_own(workspace, other_workspace):
    assert kept.kept_for(workspace, "thing", lambda: "acme") == "acme"
    assert kept.kept_for(other_workspace, "thing", lambda: "globex") == "globex"
    assert kept.kept_for(workspace, ("thing", 2), lambda: "second") == "second"
    assert kept.kept_for(workspace, "thing", lambda: "made again") == "acme"


@kept_across_requests
def test_a_team_added_through_the_service_shows_in_the_next_requests_filters(workspace):
    assert filter_choices(workspace).teams == (("", "Any team"),)
    team = create_team(workspace, name="Billing")
    assert filter_choices(next_request(workspace)).teams == (("", "Any team"), (str(team.pk), "Billing"))


@kept_across_requests
def test_a_teammate_renamed_or_deactivated_shows_in_the_next_requests_filters(workspace, agent):
    assert (str(agent.pk), "Avery Agent") in filter_choices(workspace).assignees
    update_teammate(agent, name="Avery Ames")
    assert (str(agent.pk), "Avery Ames") in filter_choices(next_request(workspace)).assignees
    update_teammate(agent, is_active=False)
    assert str(agent.pk) not in dict(filter_choices(next_request(workspace)).assignees)


@kept_across_requests
def test_a_tag_renamed_shows_in_the_next_requests_filters(workspace):
    tag = conversation_services.create_tag(workspace, "billing")
    assert filter_choices(workspace).tags == (("", "Any tag"), ("billing", "billing"))
    conversation_services.rename_tag(tag, name="invoices")
    assert filter_choices(next_request(workspace)).tags == (("", "Any tag"), ("invoices", "invoices"))


@kept_across_requests
def test_a_change_rolled_back_leaves_the_version_and_what_is_kept(workspace):
    make = Maker(tuple(team_names(workspace)))
    kept.kept_for(workspace, "teams", make)
    version = version_of(workspace)
    with pytest.raises(RuntimeError), transaction.atomic():
        create_team(workspace, name="Billing")
        raise RuntimeError("the rest of the change failed")
    assert version_of(workspace) == version
    assert kept.kept_for(next_request(workspace), "teams", make) == ()
    assert make.calls == 1


def test_every_audited_change_renews_the_version_and_a_change_of_nothing_does_not(workspace):
    team = create_team(workspace, name="Billing")
    version = version_of(workspace)
    rename_team(team, name="Billing")  # the same name: nothing changes, nothing is recorded
    assert version_of(workspace) == version
    update_workspace(workspace, timezone_name="Europe/Paris")
    assert version_of(workspace) != version
    assert workspace.setup_version == version_of(workspace)  # the object in hand has it too


def test_inside_a_transaction_nothing_is_kept_nor_reused(workspace):
    make = Maker("fresh")
    kept.kept_for(workspace, "thing", make)
    kept.kept_for(workspace, "thing", make)
    assert make.calls == 2


@kept_across_requests
def test_the_least_recently_used_go_first_past_the_limit(workspace, monkeypatch):
    monkeypatch.setattr(kept, "MOST_KEPT", 2)
    first, second, third = Maker(1), Maker(2), Maker(3)
    kept.kept_for(workspace, "first", first)
    kept.kept_for(workspace, "second", second)
    kept.kept_for(workspace, "first", first)  # used again: "second" is now the oldest
    kept.kept_for(workspace, "third", third)
    kept.kept_for(workspace, "first", first)
    kept.kept_for(workspace, "second", second)
    assert (first.calls, second.calls, third.calls) == (1, 2, 1)


@kept_across_requests
def test_forget_drops_one_workspaces_values(workspace, other_workspace):
    ours, theirs = Maker("ours"), Maker("theirs")
    kept.kept_for(workspace, "thing", ours)
    kept.kept_for(other_workspace, "thing", theirs)
    kept.forget(workspace)
    kept.kept_for(workspace, "thing", ours)
    kept.kept_for(other_workspace, "thing", theirs)
    assert (ours.calls, theirs.calls) == (2, 1)
