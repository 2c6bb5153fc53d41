"""Seeding a measurement database with many finished conversations, fast.

`benchmarks/api.py` measures the API with 100,000 conversations in a workspace. Playing each one
through the product's services takes about ten service calls per conversation (most of an hour on
SQLite), so this writes finished conversations with bulk inserts instead, in batches. It keeps what
the services guarantee: every row is in the workspace, parts are in order, and the event log (with
the report's rollups, through the log's own batch path `append_events`) records the same history.
It seeds measurement databases only; the product never imports it
(docs/decisions/bulk-seeding-for-benchmarks.md).
"""

import random
from datetime import datetime, timedelta

from django.db import transaction

from concierge.contacts.models import Contact
from concierge.conversations import event_types as conversation_event_types
from concierge.conversations.models import Conversation, Part, Tag
from concierge.core.errors import InvalidInput
from concierge.events import types as event_types
from concierge.events.parsing import LogEvent, microseconds_since_epoch
from concierge.events.services import append_events
from concierge.workspaces.models import Team, Teammate, Workspace

Author = Part.Author
Kind = Part.Kind
State = Conversation.State


def seed_conversations_in_bulk(
    workspace: Workspace,
    *,
    count: int,
    contacts: list[Contact],
    teammates: list[Teammate],
    teams: list[Team],
    tags: list[Tag],
    start: datetime,
    end: datetime,
    seed: int = 0,
    batch_size: int = 2000,
    on_progress=None,
) -> int:
    """Insert `count` conversations begun between `start` and `end`: each started by a contact,
    assigned, sometimes tagged, answered by a teammate and mostly closed, with its parts and events."""
    for obj in [*contacts, *teammates, *teams, *tags]:
        if obj.workspace_id != workspace.pk:
            raise InvalidInput(f"That {type(obj).__name__.lower()} belongs to another workspace.")
    if count < 0 or not contacts or not teammates or not teams or end <= start:
        raise InvalidInput(
            "Bulk seeding needs a count of 0 or more, contacts, teammates, teams and start < end."
        )
    rng = random.Random(seed)
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        plans = [
            _plan_bulk_conversation(rng, contacts, teammates, teams, tags, start, end) for _ in range(size)
        ]
        with transaction.atomic():
            _insert_bulk_conversations(workspace, plans)
        done += size
        if on_progress is not None:
            on_progress(done, count)
    return done


def _plan_bulk_conversation(rng, contacts, teammates, teams, tags, start, end) -> dict:
    began = start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))
    return {
        "ref": f"{rng.getrandbits(64):016x}",
        "contact": rng.choice(contacts),
        "channel": rng.choice(Conversation.Channel.values),
        "assignee": rng.choice(teammates),
        "team": rng.choice(teams),
        "tag": rng.choice(tags) if tags and rng.random() < 0.5 else None,
        "began": began,
        "assigned": began + timedelta(minutes=rng.uniform(1, 10)),
        "replied": began + timedelta(minutes=rng.uniform(11, 600)),
        "closed": began + timedelta(minutes=rng.uniform(601, 3000)) if rng.random() < 0.7 else None,
    }


def _bulk_history(plan: dict) -> list[tuple]:
    """(at, part kind, part author, part teammate, body, part data, event type, event data), in order:
    the same parts and events the services write for the same steps."""
    teammate, team, tag = plan["assignee"], plan["team"], plan["tag"]
    assignment = {
        "assignee_id": teammate.pk,
        "assignee": teammate.name,
        "team_id": team.pk,
        "team": team.name,
    }
    opening, answer = (
        "My export keeps failing with a timeout.",
        "Thanks for waiting: the export is fixed now.",
    )
    started = {"channel": plan["channel"], "initiator": "contact"}
    replied = {"author": "teammate", "teammate": teammate.ref}
    history = [
        (plan["began"], Kind.COMMENT, Author.CONTACT, None, opening, {}, event_types.CONVERSATION_STARTED, started),
        (plan["assigned"], Kind.ASSIGNMENT, Author.SYSTEM, None, "", assignment,
         conversation_event_types.CONVERSATION_ASSIGNED, assignment),
        (plan["replied"], Kind.COMMENT, Author.TEAMMATE, teammate, answer, {},
         event_types.CONVERSATION_REPLIED, replied),
    ]  # fmt: skip
    if tag is not None:
        history.append(
            (plan["assigned"], Kind.TAGS, Author.SYSTEM, None, "", {"added": tag.name},
             conversation_event_types.CONVERSATION_TAGGED, {"tag": tag.name})
        )  # fmt: skip
    if plan["closed"] is not None:
        history.append(
            (plan["closed"], Kind.STATE, Author.TEAMMATE, teammate, "", {"state": "closed"},
             event_types.CONVERSATION_CLOSED, {"by": "teammate"})
        )  # fmt: skip
    return sorted(history, key=lambda step: step[0])


def _insert_bulk_conversations(workspace: Workspace, plans: list[dict]) -> None:
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(
                workspace=workspace,
                ref=plan["ref"],
                contact=plan["contact"],
                channel=plan["channel"],
                subject="Export keeps failing",
                state=State.CLOSED if plan["closed"] else State.OPEN,
                assignee=plan["assignee"],
                team=plan["team"],
                first_response_at=plan["replied"],
                closed_at=plan["closed"],
                created_at=plan["began"],
                last_activity_at=plan["closed"] or plan["replied"],
                last_part_preview="Thanks for waiting: the export is fixed now.",
            )
            for plan in plans
        ],
        batch_size=500,
    )
    parts, events, taggings = [], [], []
    for conversation, plan in zip(conversations, plans, strict=True):
        if plan["tag"] is not None:
            taggings.append(Conversation.tags.through(conversation_id=conversation.pk, tag_id=plan["tag"].pk))
        for at, kind, author, by, body, part_data, event_type, event_data in _bulk_history(plan):
            parts.append(
                Part(
                    workspace=workspace,
                    conversation=conversation,
                    kind=kind,
                    author_type=author,
                    author_teammate=by,
                    body=body,
                    data=part_data,
                    created_at=at,
                )
            )
            events.append(
                LogEvent(
                    type=event_type,
                    at_us=microseconds_since_epoch(at),
                    contact_ref=None,
                    conversation_ref=conversation.ref,
                    data=event_data,
                    contact_id=plan["contact"].pk,
                )
            )
    Part.objects.bulk_create(parts, batch_size=1000)
    Conversation.tags.through.objects.bulk_create(taggings, batch_size=1000)
    append_events(workspace, sorted(events, key=lambda event: event.at_us))
