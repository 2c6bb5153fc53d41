"""The benchmark's bulk seeding writes what the services would have written for the same steps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks.seeding import seed_conversations_in_bulk
from concierge.conversations import services
from concierge.conversations.models import Conversation
from concierge.core.errors import InvalidInput
from concierge.events.selectors import events_of_conversation
from concierge.workspaces.services import create_team


def history(workspace, conversation):
    parts = [(p.kind, p.author_type, p.data) for p in conversation.parts.order_by("created_at", "id")]
    events = [(e.type, e.data) for e in events_of_conversation(workspace, conversation.ref)]
    return parts, events


def test_bulk_conversations_match_the_same_steps_played_through_the_services(workspace, agent, contact):
    team = create_team(workspace, name="Product", members=[agent])
    tag = services.tag_for_name(workspace, "exports")
    now = timezone.now()

    made = seed_conversations_in_bulk(
        workspace,
        count=40,
        contacts=[contact],
        teammates=[agent],
        teams=[team],
        tags=[tag],
        start=now - timedelta(days=30),
        end=now - timedelta(days=3),
        seed=1,
        batch_size=15,
    )

    bulk = list(Conversation.objects.filter(workspace=workspace))
    assert made == len(bulk) == 40
    closed_and_tagged = next(c for c in bulk if c.state == "closed" and c.tags.exists())
    open_untagged = next(c for c in bulk if c.state == "open" and not c.tags.exists())

    start = now - timedelta(days=1)
    played = services.start_conversation(
        workspace, contact=contact, body="My export fails", channel=closed_and_tagged.channel, at=start
    )
    services.assign_conversation(
        played, teammate=None, assignee=agent, team=team, at=start + timedelta(minutes=1)
    )
    services.tag_conversation(played, tag, at=start + timedelta(minutes=1))
    services.reply_as_teammate(played, agent, "Fixed", at=start + timedelta(minutes=20))
    services.close_conversation(played, teammate=agent, at=start + timedelta(hours=12))

    bulk_parts, bulk_events = history(workspace, closed_and_tagged)
    played_parts, played_events = history(workspace, played)
    assert [(kind, author) for kind, author, _ in bulk_parts] == [(k, a) for k, a, _ in played_parts]
    assert [data for *_, data in bulk_parts] == [data for *_, data in played_parts]
    assert bulk_events == played_events

    assert [e[0] for e in history(workspace, open_untagged)[1]] == [
        "conversation.started",
        "conversation.assigned",
        "conversation.replied",
    ]
    for conversation in (closed_and_tagged, open_untagged):
        parts = list(conversation.parts.order_by("created_at", "id"))
        assert parts[0].created_at == conversation.created_at
        assert conversation.last_activity_at == parts[-1].created_at
        reply = next(p for p in parts if p.kind == "comment" and p.author_type == "teammate")
        assert conversation.first_response_at == reply.created_at
        assert conversation.assignee == agent and conversation.team == team
    assert closed_and_tagged.closed_at is not None and open_untagged.closed_at is None


def test_bulk_seeding_refuses_anything_from_another_workspace(workspace, agent, other_contact):
    team = create_team(workspace, name="Product", members=[agent])
    now = timezone.now()
    with pytest.raises(InvalidInput, match="contact belongs to another workspace"):
        seed_conversations_in_bulk(
            workspace,
            count=5,
            contacts=[other_contact],
            teammates=[agent],
            teams=[team],
            tags=[],
            start=now - timedelta(days=2),
            end=now,
        )
    assert not Conversation.objects.exists()
