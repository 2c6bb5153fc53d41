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
from concierge.conversations.services.search import index_conversations
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
    with_events: bool = True,
    varied_text: bool = False,
    indexed: bool = False,
) -> int:
    """Insert `count` conversations begun between `start` and `end`: each started by a contact,
    assigned, sometimes tagged, answered by a teammate and mostly closed, with its parts and events.

    `with_events=False` leaves the support log out (what routing and search measure never reads it;
    the log and its rollups are most of the seeding's time). `varied_text`: each conversation's
    subject and messages drawn from a support vocabulary (about 100 words in Zipf-like
    frequencies, and 10,000 error codes), instead of one sentence for all, so a search has the spread of matches a real
    inbox has. `indexed`: each batch indexed for search (conversations.services.search) as it is
    inserted."""
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
        if varied_text:
            for plan in plans:
                plan["text"] = _varied_text(rng)
        with transaction.atomic():
            made = _insert_bulk_conversations(workspace, plans, with_events=with_events)
            if indexed:
                index_conversations([conversation.pk for conversation in made])
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
    opening, answer = plan.get("text", (None, OPENING, ANSWER))[1:]
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


def _insert_bulk_conversations(workspace: Workspace, plans: list[dict], *, with_events: bool = True) -> list:
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(
                workspace=workspace,
                ref=plan["ref"],
                contact=plan["contact"],
                channel=plan["channel"],
                subject=plan.get("text", (SUBJECT,))[0],
                state=State.CLOSED if plan["closed"] else State.OPEN,
                assignee=plan["assignee"],
                team=plan["team"],
                first_response_at=plan["replied"],
                closed_at=plan["closed"],
                created_at=plan["began"],
                last_activity_at=plan["closed"] or plan["replied"],
                last_part_preview=plan.get("text", (None, None, ANSWER))[2][:200],
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
    if with_events:
        append_events(workspace, sorted(events, key=lambda event: event.at_us))
    return conversations


SUBJECT = "Export keeps failing"
OPENING = "My export keeps failing with a timeout."
ANSWER = "Thanks for waiting: the export is fixed now."

# A support vocabulary: product nouns, problems, and the words around them. Each is given a weight
# falling with its rank (Zipf), so a few words are in many conversations and most in few.
_NOUNS = [
    "export",
    "import",
    "invoice",
    "payment",
    "refund",
    "subscription",
    "plan",
    "seat",
    "account",
    "password",
    "login",
    "email",
    "notification",
    "webhook",
    "integration",
    "calendar",
    "report",
    "dashboard",
    "chart",
    "filter",
    "search",
    "upload",
    "download",
    "file",
    "attachment",
    "image",
    "video",
    "message",
    "inbox",
    "team",
    "teammate",
    "contact",
    "workspace",
    "domain",
    "certificate",
    "token",
    "key",
    "permission",
    "role",
    "admin",
    "billing",
    "card",
    "receipt",
    "tax",
    "currency",
    "language",
    "timezone",
    "mobile",
    "app",
    "browser",
    "extension",
    "api",
    "endpoint",
    "limit",
    "quota",
    "storage",
    "backup",
    "sync",
    "schedule",
    "reminder",
    "booking",
    "meeting",
    "session",
    "survey",
    "rating",
    "feedback",
    "article",
    "collection",
    "bot",
    "answer",
    "tag",
    "label",
    "queue",
    "rule",
]
_PROBLEMS = [
    "fails", "crashes", "hangs", "times out", "is slow", "is missing", "shows an error", "is wrong",
    "does not load", "is duplicated", "disappeared", "is blank", "cannot be saved", "is stuck",
    "loops forever", "returns nothing", "is cut off", "is out of date", "looks broken",
    "charges twice", "is rejected", "expired",
]  # fmt: skip
_FILLER = [
    "please",
    "help",
    "since",
    "yesterday",
    "after",
    "the",
    "update",
    "for",
    "our",
    "whole",
    "team",
    "on",
    "every",
    "device",
    "when",
    "I",
    "try",
    "again",
    "this",
    "morning",
    "for",
    "a",
    "customer",
    "of",
    "ours",
    "in",
    "production",
    "since",
    "we",
    "upgraded",
    "still",
    "today",
]


def _zipf_choice(rng, words: list[str]) -> str:
    # The rank r is drawn with weight 1/r: rng.paretovariate gives that shape cheaply.
    return words[min(len(words) - 1, int(rng.paretovariate(1.0)) - 1)]


def _varied_text(rng) -> tuple[str, str, str]:
    """(subject, the customer's opening, the teammate's answer)."""
    noun, other = _zipf_choice(rng, _NOUNS), _zipf_choice(rng, _NOUNS)
    problem = rng.choice(_PROBLEMS)
    code = f"e{rng.randrange(10_000):04d}"  # an error code: rare words, as real messages have
    subject = f"{noun.capitalize()} {problem}"
    opening = " ".join(
        [f"The {noun} {problem} {rng.choice(_FILLER)} {rng.choice(_FILLER)}.", f"It says error {code}",
         f"and the {other} {rng.choice(_PROBLEMS)} too."]
    )  # fmt: skip
    answer = f"Thanks for the details about the {noun}: we changed the {other} settings, try again."
    return subject, opening, answer
