"""Every write to conversations. Each function changes rows in one transaction and appends the
matching support event in that same transaction (architecture rule 3).

`at` lets the demo seeder and importers replay history; live callers leave it out (now).
"""

import html
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Part, Tag
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_message_body, clean_short_text
from concierge.events import types as event_types
from concierge.events.services import record_event
from concierge.workspaces.models import Team, Teammate, Workspace

Author = Part.Author
Kind = Part.Kind
State = Conversation.State


def _now(at: datetime | None) -> datetime:
    if at is not None and timezone.is_naive(at):
        raise InvalidInput("A time must carry its zone offset.", field="at")
    return at or timezone.now()


def _check_same_workspace(conversation: Conversation, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.workspace_id != conversation.workspace_id:
            raise InvalidInput(f"That {type(obj).__name__.lower()} belongs to another workspace.")


def _preview(body: str) -> str:
    """Plain text (entities decoded: templates escape it again) for the inbox list."""
    return " ".join(html.unescape(strip_tags(body)).split())[:200]


def _add_part(
    conversation: Conversation, *, kind, author_type, at, teammate=None, body="", data=None
) -> Part:
    return Part.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        kind=kind,
        author_type=author_type,
        author_teammate=teammate,
        body=body,
        data=data or {},
        created_at=at,
    )


def _record(conversation: Conversation, type_: str, at: datetime, **data) -> None:
    record_event(
        conversation.workspace,
        type_,
        contact=conversation.contact,
        at=at,
        conversation_ref=conversation.ref,
        data={key: value for key, value in data.items() if value is not None},
    )


def _touch(conversation: Conversation, at: datetime, preview: str | None = None) -> None:
    fields = ["last_activity_at"]
    if conversation.last_activity_at is None or at > conversation.last_activity_at:
        conversation.last_activity_at = at
    if preview is not None:
        conversation.last_part_preview = preview
        fields.append("last_part_preview")
    conversation.save(update_fields=fields)


def start_conversation(
    workspace: Workspace,
    *,
    contact: Contact,
    body: str,
    channel: str = Conversation.Channel.MESSENGER,
    teammate: Teammate | None = None,
    subject: str = "",
    at: datetime | None = None,
) -> Conversation:
    """A new conversation with its first message: from the contact, or from a teammate when given."""
    if contact.workspace_id != workspace.pk:
        raise InvalidInput("That contact belongs to another workspace.", field="contact")
    if teammate is not None and teammate.workspace_id != workspace.pk:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    if channel not in Conversation.Channel.values:
        raise InvalidInput(
            f"channel '{channel}' must be one of {', '.join(Conversation.Channel.values)}.", field="channel"
        )
    body = clean_message_body(body)
    subject = clean_short_text(subject, field="subject", max_length=200)
    at = _now(at)
    initiator = Conversation.Initiator.TEAMMATE if teammate else Conversation.Initiator.CONTACT
    with transaction.atomic():
        conversation = Conversation.objects.create(
            workspace=workspace,
            contact=contact,
            channel=channel,
            initiator=initiator,
            started_by=teammate,
            subject=subject,
            created_at=at,
            last_activity_at=at,
            last_part_preview=_preview(body),
        )
        conversation.contact = contact
        conversation.workspace = workspace
        _add_part(
            conversation,
            kind=Kind.COMMENT,
            author_type=Author.TEAMMATE if teammate else Author.CONTACT,
            teammate=teammate,
            body=body,
            at=at,
        )
        _record(
            conversation,
            event_types.CONVERSATION_STARTED,
            at,
            channel=channel,
            initiator=initiator,
            teammate=teammate.external_id or str(teammate.pk) if teammate else None,
        )
    return conversation


def reply_as_teammate(
    conversation: Conversation, teammate: Teammate, body: str, *, at: datetime | None = None
) -> Part:
    _check_same_workspace(conversation, teammate)
    body = clean_message_body(body)
    at = _now(at)
    with transaction.atomic():
        part = _add_part(
            conversation, kind=Kind.COMMENT, author_type=Author.TEAMMATE, teammate=teammate, body=body, at=at
        )
        if (
            conversation.first_response_at is None
            and conversation.initiator == Conversation.Initiator.CONTACT
        ):
            conversation.first_response_at = at
            conversation.save(update_fields=["first_response_at"])
        _touch(conversation, at, _preview(body))
        _record(
            conversation,
            event_types.CONVERSATION_REPLIED,
            at,
            author="teammate",
            teammate=teammate.external_id or str(teammate.pk),
        )
    return part


def reply_as_contact(conversation: Conversation, body: str, *, at: datetime | None = None) -> Part:
    """The customer writes again; a closed or snoozed conversation comes back to the inbox."""
    body = clean_message_body(body)
    at = _now(at)
    with transaction.atomic():
        part = _add_part(conversation, kind=Kind.COMMENT, author_type=Author.CONTACT, body=body, at=at)
        _touch(conversation, at, _preview(body))
        _record(conversation, event_types.CONVERSATION_REPLIED, at, author="contact")
        if conversation.state != State.OPEN:
            _reopen(conversation, at, reason="contact replied")
    return part


def add_note(
    conversation: Conversation, teammate: Teammate, body: str, *, at: datetime | None = None
) -> Part:
    """An internal note: teammates see it, the customer never does."""
    _check_same_workspace(conversation, teammate)
    body = clean_message_body(body)
    at = _now(at)
    with transaction.atomic():
        part = _add_part(
            conversation, kind=Kind.NOTE, author_type=Author.TEAMMATE, teammate=teammate, body=body, at=at
        )
        _touch(conversation, at)
        _record(
            conversation,
            event_types.CONVERSATION_NOTE_ADDED,
            at,
            teammate=teammate.external_id or str(teammate.pk),
        )
    return part


def deliver_bot_answer(
    conversation: Conversation, body: str, *, at: datetime | None = None, data=None
) -> Part:
    """An automated answer (e.g. from a help article) delivered in the conversation."""
    body = clean_message_body(body)
    at = _now(at)
    with transaction.atomic():
        part = _add_part(
            conversation, kind=Kind.BOT_ANSWER, author_type=Author.BOT, body=body, at=at, data=data
        )
        if not conversation.bot_answered:
            conversation.bot_answered = True
            conversation.save(update_fields=["bot_answered"])
        _touch(conversation, at, _preview(body))
        _record(conversation, event_types.BOT_ANSWERED, at)
        _record(conversation, event_types.CONVERSATION_REPLIED, at, author="bot")
    return part


def assign_conversation(
    conversation: Conversation,
    *,
    by: Teammate | None,
    assignee: Teammate | None,
    team: Team | None = None,
    at: datetime | None = None,
) -> Conversation:
    """Set the assignee (a teammate, a team, both, or neither to unassign)."""
    _check_same_workspace(conversation, by, assignee, team)
    at = _now(at)
    with transaction.atomic():
        conversation.assignee = assignee
        conversation.team = team
        conversation.save(update_fields=["assignee", "team"])
        data = {
            "assignee_id": assignee.pk if assignee else None,
            "assignee": assignee.name if assignee else None,
            "team_id": team.pk if team else None,
            "team": team.name if team else None,
        }
        _add_part(
            conversation,
            kind=Kind.ASSIGNMENT,
            author_type=Author.TEAMMATE if by else Author.SYSTEM,
            teammate=by,
            data=data,
            at=at,
        )
        _touch(conversation, at)
        _record(conversation, event_types.CONVERSATION_ASSIGNED, at, **data)
    return conversation


def close_conversation(
    conversation: Conversation,
    *,
    by: str = "teammate",
    teammate: Teammate | None = None,
    at: datetime | None = None,
) -> Conversation:
    if by not in {"teammate", "bot", "contact"}:
        raise InvalidInput("by must be 'teammate', 'bot' or 'contact'.", field="by")
    _check_same_workspace(conversation, teammate)
    if conversation.state == State.CLOSED:
        raise Conflict("The conversation is already closed.")
    at = _now(at)
    with transaction.atomic():
        conversation.state = State.CLOSED
        conversation.snoozed_until = None
        conversation.closed_at = at
        conversation.save(update_fields=["state", "snoozed_until", "closed_at"])
        _add_part(
            conversation, kind=Kind.STATE, author_type=by, teammate=teammate, data={"state": "closed"}, at=at
        )
        _touch(conversation, at)
        _record(conversation, event_types.CONVERSATION_CLOSED, at, by=by)
    return conversation


def _reopen(
    conversation: Conversation, at: datetime, *, teammate: Teammate | None = None, reason: str = ""
) -> None:
    was = conversation.state
    conversation.state = State.OPEN
    conversation.snoozed_until = None
    conversation.save(update_fields=["state", "snoozed_until"])
    _add_part(
        conversation,
        kind=Kind.STATE,
        author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
        teammate=teammate,
        data={"state": "open", "was": was, "reason": reason},
        at=at,
    )
    if was == State.CLOSED:
        _record(conversation, event_types.CONVERSATION_REOPENED, at)


def reopen_conversation(
    conversation: Conversation, *, teammate: Teammate | None = None, at: datetime | None = None
) -> Conversation:
    """Open a closed or snoozed conversation again."""
    _check_same_workspace(conversation, teammate)
    if conversation.state == State.OPEN:
        raise Conflict("The conversation is already open.")
    at = _now(at)
    with transaction.atomic():
        _reopen(conversation, at, teammate=teammate)
        _touch(conversation, at)
    return conversation


def snooze_conversation(
    conversation: Conversation,
    *,
    until: datetime,
    teammate: Teammate | None = None,
    at: datetime | None = None,
) -> Conversation:
    _check_same_workspace(conversation, teammate)
    at = _now(at)
    if timezone.is_naive(until):
        raise InvalidInput("until must carry its zone offset.", field="until")
    if until <= at:
        raise InvalidInput("until must be in the future.", field="until")
    if conversation.state == State.CLOSED:
        raise Conflict("A closed conversation cannot be snoozed; reopen it first.")
    with transaction.atomic():
        conversation.state = State.SNOOZED
        conversation.snoozed_until = until
        conversation.save(update_fields=["state", "snoozed_until"])
        _add_part(
            conversation,
            kind=Kind.STATE,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            data={"state": "snoozed", "until": until.isoformat()},
            at=at,
        )
        _touch(conversation, at)
        _record(conversation, event_types.CONVERSATION_SNOOZED, at, until=until.isoformat())
    return conversation


def wake_snoozed_conversations(workspace: Workspace | None = None, *, now: datetime | None = None) -> int:
    """Bring back every conversation whose snooze has run out. Safe to run any number of times."""
    now = now or timezone.now()
    due = Conversation.objects.filter(state=State.SNOOZED, snoozed_until__lte=now)
    if workspace is not None:
        due = due.filter(workspace=workspace)
    woken = 0
    for conversation_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Re-read under the lock: a reply or a teammate may have changed it since the scan.
            locked = (
                Conversation.objects.select_for_update()
                .select_related("workspace", "contact")
                .filter(pk=conversation_id, state=State.SNOOZED, snoozed_until__lte=now)
                .first()
            )
            if locked is None:
                continue
            woke_at = locked.snoozed_until
            _reopen(locked, woke_at, reason="snooze ended")
            _touch(locked, woke_at)  # back at the top of the inbox
            woken += 1
    return woken


def rate_conversation(
    conversation: Conversation, *, rating: int, remark: str = "", at: datetime | None = None
) -> Conversation:
    """The customer's rating, 1-5; a later rating replaces an earlier one."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput("rating must be a whole number from 1 to 5.", field="rating")
    remark = clean_short_text(remark, field="remark", max_length=2000)
    at = _now(at)
    with transaction.atomic():
        conversation.rating = rating
        conversation.rating_remark = remark
        conversation.rated_at = at
        conversation.save(update_fields=["rating", "rating_remark", "rated_at"])
        _add_part(
            conversation,
            kind=Kind.RATING,
            author_type=Author.CONTACT,
            data={"rating": rating, "remark": remark},
            at=at,
        )
        _record(conversation, event_types.CONVERSATION_RATED, at, rating=rating, remark=remark or None)
    return conversation


def create_tag(workspace: Workspace, name: str) -> Tag:
    name = clean_short_text(name, field="name", max_length=60, required=True)
    try:
        with transaction.atomic():
            return Tag.objects.create(workspace=workspace, name=name)
    except IntegrityError as exc:
        raise Conflict(f"A tag named '{name}' already exists.", field="name") from exc


def tag_for_name(workspace: Workspace, name: str) -> Tag:
    """The workspace's tag with this name, created on first use."""
    name = clean_short_text(name, field="tag", max_length=60, required=True)
    tag = Tag.objects.filter(workspace=workspace, name=name).first()
    return tag or create_tag(workspace, name)


def delete_tag(tag: Tag) -> None:
    tag.delete()


def tag_conversation(
    conversation: Conversation, tag: Tag, *, teammate: Teammate | None = None, at: datetime | None = None
) -> bool:
    """Returns False when the tag was already there (nothing changes)."""
    _check_same_workspace(conversation, tag, teammate)
    at = _now(at)
    with transaction.atomic():
        if conversation.tags.filter(pk=tag.pk).exists():
            return False
        conversation.tags.add(tag)
        _add_part(
            conversation,
            kind=Kind.TAGS,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            data={"added": tag.name},
            at=at,
        )
        _record(conversation, event_types.CONVERSATION_TAGGED, at, tag=tag.name)
    return True


def untag_conversation(
    conversation: Conversation, tag: Tag, *, teammate: Teammate | None = None, at: datetime | None = None
) -> bool:
    _check_same_workspace(conversation, tag, teammate)
    at = _now(at)
    with transaction.atomic():
        if not conversation.tags.filter(pk=tag.pk).exists():
            return False
        conversation.tags.remove(tag)
        _add_part(
            conversation,
            kind=Kind.TAGS,
            author_type=Author.TEAMMATE if teammate else Author.SYSTEM,
            teammate=teammate,
            data={"removed": tag.name},
            at=at,
        )
        _record(conversation, event_types.CONVERSATION_UNTAGGED, at, tag=tag.name)
    return True


# --- Bulk seeding for benchmarks -------------------------------------------------------------------
# `benchmarks/api.py` measures the API with 100,000 conversations in a workspace. Playing each one
# through the services above takes about ten service calls per conversation (most of an hour on
# SQLite), so this one function writes finished conversations with bulk inserts instead, in batches.
# It keeps what the services guarantee: every row is in the workspace, parts are in order, and the
# event log (with the report's rollups, through `append_events`) records the same history. It seeds
# measurement databases; the product never calls it. See docs/benchmarks.md.


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
    import random  # benchmark-only needs stay out of the product's import path

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
    from datetime import timedelta

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
    replied = {"author": "teammate", "teammate": teammate.external_id or str(teammate.pk)}
    history = [
        (plan["began"], Kind.COMMENT, Author.CONTACT, None, opening, {}, event_types.CONVERSATION_STARTED, started),
        (plan["assigned"], Kind.ASSIGNMENT, Author.SYSTEM, None, "", assignment,
         event_types.CONVERSATION_ASSIGNED, assignment),
        (plan["replied"], Kind.COMMENT, Author.TEAMMATE, teammate, answer, {},
         event_types.CONVERSATION_REPLIED, replied),
    ]  # fmt: skip
    if tag is not None:
        history.append(
            (plan["assigned"], Kind.TAGS, Author.SYSTEM, None, "", {"added": tag.name},
             event_types.CONVERSATION_TAGGED, {"tag": tag.name})
        )  # fmt: skip
    if plan["closed"] is not None:
        history.append(
            (plan["closed"], Kind.STATE, Author.TEAMMATE, teammate, "", {"state": "closed"},
             event_types.CONVERSATION_CLOSED, {"by": "teammate"})
        )  # fmt: skip
    return sorted(history, key=lambda step: step[0])


def _insert_bulk_conversations(workspace: Workspace, plans: list[dict]) -> None:
    from concierge.events.parsing import LogEvent, microseconds_since_epoch
    from concierge.events.services import append_events

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
