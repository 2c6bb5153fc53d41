"""Bulk actions on a selection of the inbox, and each teammate's saved views."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from concierge.conversations import services
from concierge.conversations.models import Conversation, Part, SavedView
from concierge.conversations.services.bulk import apply_in_bulk
from concierge.core.errors import NotFound
from concierge.workspaces.models import AuditEntry

HTMX = {"HX-Request": "true", "HX-Target": "conversation-list"}


def url(name, workspace, *args):
    return reverse(f"web:{name}", args=[workspace.slug, *args])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


@pytest.fixture
def three(workspace, contact):
    return [
        services.start_conversation(workspace, contact=contact, body=f"question {n}", subject=f"Q{n}")
        for n in range(3)
    ]


def states(conversations):
    return [Conversation.objects.get(pk=c.pk).state for c in conversations]


def test_bulk_close_says_what_it_did(owner_client, workspace, owner, three):
    services.close_conversation(three[0], teammate=owner)
    response = owner_client.post(
        url("inbox-bulk", workspace), {"action": "close", "ids": [str(c.pk) for c in three]}, headers=HTMX
    )
    assert response.status_code == 200
    assert "2 closed, 1 already closed." in response.content.decode()
    assert states(three) == ["closed"] * 3
    # Each closed through the service: its own timeline line, as a single close makes.
    assert Part.objects.filter(conversation=three[1], kind="state", data__state="closed").count() == 1


def test_bulk_with_an_unknown_or_foreign_id_changes_nothing(
    owner_client, workspace, three, other_workspace, other_contact
):
    foreign = services.start_conversation(other_workspace, contact=other_contact, body="theirs")
    for bad in [str(foreign.pk), "999999", "abc", "²"]:
        response = owner_client.post(
            url("inbox-bulk", workspace),
            {"action": "close", "ids": [str(three[0].pk), bad]},
            headers=HTMX,
        )
        assert response.status_code in (400, 404, 422), bad
        assert "nothing was changed" in response.content.decode()
    assert states(three) == ["open"] * 3
    assert Conversation.objects.get(pk=foreign.pk).state == "open"


def test_bulk_assign_tag_and_snooze(owner_client, workspace, owner, agent, three):
    ids = [str(c.pk) for c in three]
    response = owner_client.post(
        url("inbox-bulk", workspace),
        {"action": "assign", "assignee": str(agent.pk), "ids": ids},
        headers=HTMX,
    )
    assert "3 assigned" in response.content.decode()
    assert {Conversation.objects.get(pk=c.pk).assignee_id for c in three} == {agent.pk}
    response = owner_client.post(
        url("inbox-bulk", workspace), {"action": "assign", "assignee": "me", "ids": ids[:1]}
    )
    assert response.status_code == 302
    assert Conversation.objects.get(pk=three[0].pk).assignee_id == owner.pk
    response = owner_client.post(
        url("inbox-bulk", workspace), {"action": "tag", "tag": "vip", "ids": ids}, headers=HTMX
    )
    assert "3 tagged" in response.content.decode()
    response = owner_client.post(
        url("inbox-bulk", workspace), {"action": "tag", "tag": "vip", "ids": ids}, headers=HTMX
    )
    assert "0 tagged, 3 already tagged so" in response.content.decode()
    until = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(
        url("inbox-bulk", workspace), {"action": "snooze", "until": until, "ids": ids}, headers=HTMX
    )
    assert "3 snoozed" in response.content.decode()
    assert states(three) == ["snoozed"] * 3


@pytest.mark.parametrize(
    "data",
    [
        {"action": "explode"},
        {"action": ""},
        {"action": "tag", "tag": ""},
        {"action": "snooze", "until": "tomorrow"},
        {"action": "snooze", "until": "2001-01-01T10:00"},
        {"action": "assign", "assignee": "999999"},
        {"action": "close", "ids": []},
    ],
)
def test_bulk_bad_input_is_a_clear_4xx_and_changes_nothing(owner_client, workspace, three, data):
    data = {"ids": [str(c.pk) for c in three], **data}
    response = owner_client.post(url("inbox-bulk", workspace), data, headers=HTMX)
    assert 400 <= response.status_code < 500
    assert 'role="alert"' in response.content.decode()
    assert states(three) == ["open"] * 3
    assert not Part.objects.filter(conversation__in=three).exclude(kind="comment").exists()


def test_bulk_refuses_another_workspaces_teammate(workspace, owner, three, other_workspace):
    with pytest.raises(NotFound):
        apply_in_bulk(
            workspace, [three[0].pk], "assign", teammate=owner, assignee=other_workspace.teammates.get()
        )
    assert Conversation.objects.get(pk=three[0].pk).assignee_id is None


# ---------- Saved views ----------


def test_a_teammate_saves_renames_and_deletes_a_view(owner_client, workspace, owner):
    response = owner_client.post(
        url("inbox-view-save", workspace),
        {"name": "Urgent billing", "query": "q=invoice&priority=urgent&page=3"},
    )
    view = SavedView.objects.get(teammate=owner)
    assert view.query == "q=invoice&priority=urgent"  # the filters, never the page
    assert response.status_code == 302
    page = owner_client.get(url("inbox", workspace)).content.decode()
    assert "Urgent billing" in page
    opened = owner_client.get(url("inbox-view", workspace, view.pk))
    assert opened.status_code == 302 and opened["Location"].endswith("?q=invoice&priority=urgent")
    owner_client.post(url("inbox-view-rename", workspace, view.pk), {"name": "Hot invoices"})
    assert SavedView.objects.get(pk=view.pk).name == "Hot invoices"
    owner_client.post(url("inbox-view-delete", workspace, view.pk))
    assert not SavedView.objects.filter(pk=view.pk).exists()
    actions = list(
        AuditEntry.objects.filter(workspace=workspace, action__startswith="saved_view.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["saved_view.created", "saved_view.deleted", "saved_view.renamed"]


def test_another_teammates_view_is_never_shown_or_usable(client, workspace, owner, agent):
    client.force_login(owner.user)
    client.post(url("inbox-view-save", workspace), {"name": "Olivia's secret", "query": "q=zebra"})
    view = SavedView.objects.get(teammate=owner)
    client = Client()  # the agent's own browser
    client.force_login(agent.user)
    assert "Olivia&#x27;s secret" not in client.get(url("inbox", workspace)).content.decode()
    assert client.get(url("inbox-view", workspace, view.pk)).status_code == 404
    assert client.post(url("inbox-view-rename", workspace, view.pk), {"name": "Mine now"}).status_code == 404
    assert client.post(url("inbox-view-delete", workspace, view.pk)).status_code == 404
    assert SavedView.objects.get(pk=view.pk).name == "Olivia's secret"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "bad\x01name"])
def test_a_view_with_a_bad_name_is_refused_clearly(owner_client, workspace, owner, name):
    response = owner_client.post(
        url("inbox-view-save", workspace), {"name": name, "query": "q=a"}, follow=True
    )
    assert response.status_code == 200
    assert not SavedView.objects.filter(teammate=owner).exists()
    assert 'class="message' in response.content.decode() or "error" in response.content.decode()


def test_two_views_cannot_share_a_name(owner_client, workspace, owner):
    owner_client.post(url("inbox-view-save", workspace), {"name": "Mine", "query": "assignee=me"})
    response = owner_client.post(
        url("inbox-view-save", workspace), {"name": "Mine", "query": "q=x"}, follow=True
    )
    assert "already have a view named" in response.content.decode()
    assert SavedView.objects.filter(teammate=owner).count() == 1
