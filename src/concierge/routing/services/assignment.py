"""Assignment by a team's method: manual (the team's queue), round-robin, or balanced (fewest open
conversations), each only to available teammates and within the team's limit of open conversations.
When nobody has room the conversation waits in the team's queue; the queue is drained oldest first as
soon as someone has room.

Safe under concurrency: choosing a teammate and assigning happen under the lock of the team's
members' rows (core.db.lock_rows_of, in id order), so two conversations arriving at once are assigned
one after the other and never both past a limit. SQLite lets one writer in at a time already."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation
from concierge.core.db import lock_rows_of
from concierge.core.errors import InvalidInput
from concierge.routing.models import TeammateStatus, TeamRouting
from concierge.routing.selectors.availability import (
    Availability,
    routing_of,
    team_availability,
    team_members,
    team_queue,
)
from concierge.workspaces.models import Team, Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, record_audit

Method = TeamRouting.Method
MAX_OPEN_LIMIT = 10_000


def set_team_routing(
    team: Team, *, method: str, open_limit: int | None, actor: Actor = SYSTEM, at: datetime | None = None
) -> TeamRouting:
    """The team's method and limit (configuration: audited). A looser setting drains the queue."""
    if method not in Method.values:
        raise InvalidInput(
            f"Unknown method '{method}': use one of {', '.join(Method.values)}.", field="method"
        )
    if open_limit is not None and (type(open_limit) is not int or not 1 <= open_limit <= MAX_OPEN_LIMIT):
        raise InvalidInput(
            f"The limit is a whole number from 1 to {MAX_OPEN_LIMIT}, or none.", field="open_limit"
        )
    with transaction.atomic():
        routing, created = TeamRouting.objects.select_for_update().get_or_create(
            team=team,
            defaults={"workspace_id": team.workspace_id, "method": method, "open_limit": open_limit},
        )
        before = (
            {"method": None, "open_limit": None}
            if created
            else {"method": routing.method, "open_limit": routing.open_limit}
        )
        changes = {
            k: [before[k], v]
            for k, v in {"method": method, "open_limit": open_limit}.items()
            if before[k] != v or created
        }
        if not changes:
            return routing
        routing.method, routing.open_limit = method, open_limit
        routing.save(update_fields=["method", "open_limit"])
        record_audit(team.workspace, "team.routing_changed", actor=actor, target=team, changes=changes, at=at)
        drain_team_queue(team, at=at)
    return routing


def set_away(teammate: Teammate, away: bool, *, actor: Actor = SYSTEM, at: datetime | None = None) -> bool:
    """Away: no new conversations reach them. Back: their teams' queues are drained. Returns False
    when they already were so (nothing changes)."""
    at = at or timezone.now()
    with transaction.atomic():
        status, created = TeammateStatus.objects.select_for_update().get_or_create(
            teammate=teammate,
            defaults={"workspace_id": teammate.workspace_id, "away": away, "changed_at": at},
        )
        if not created and status.away == away:
            return False
        if created and not away:
            return False
        status.away, status.changed_at = away, at
        status.save(update_fields=["away", "changed_at"])
        record_audit(
            teammate.workspace,
            "teammate.away" if away else "teammate.back",
            actor=actor,
            target=teammate,
            changes={"away": [not away, away]},
            at=at,
        )
        if not away:
            for team in teammate.teams.all():
                drain_team_queue(team, at=at)
    return True


def assign_by_team_method(
    conversation: Conversation, team: Team, *, at: datetime | None = None, data: dict | None = None
) -> Teammate | None:
    """Give the conversation to the team and, by its method, to one of its available teammates with
    room; returns them, or None when it waits in the team's queue (manual, or everyone full)."""
    at = at or timezone.now()
    # No savepoint of its own: it fails whole, and a rule's run undoes the rule's other actions with it.
    with transaction.atomic(savepoint=False):
        routing = _lock_team(team)
        chosen = None
        if routing is not None and routing.method != Method.MANUAL:
            chosen = _next_teammate(routing, team_availability(team, at, routing=routing))
        conversations.assign_conversation(
            conversation, teammate=None, assignee=chosen, team=team, at=at, data=data
        )
        if chosen is not None:
            _move_pointer(routing, chosen)
    return chosen


def drain_team_queue(team: Team, *, at: datetime | None = None) -> int:
    """Assign the team's waiting conversations, oldest first, while someone available has room.
    Returns how many were assigned."""
    at = at or timezone.now()
    assigned = 0
    with transaction.atomic():
        routing = _lock_team(team)
        if routing is None or routing.method == Method.MANUAL:
            return 0
        availability = team_availability(team, at, routing=routing)
        for conversation in team_queue(team).select_related("workspace", "contact", "team"):
            chosen = _next_teammate(routing, availability)
            if chosen is None:
                break
            conversations.assign_conversation(
                conversation, teammate=None, assignee=chosen, team=team, at=at, data={"from_queue": True}
            )
            _move_pointer(routing, chosen)
            availability = _one_more(availability, chosen, routing.open_limit)
            assigned += 1
    return assigned


def drain_queues(workspace: Workspace | None = None, *, at: datetime | None = None) -> int:
    """Drain the queue of every team that assigns by itself (availability changes with the clock:
    working hours begin, a rotation turns)."""
    routings = TeamRouting.objects.exclude(method=Method.MANUAL).select_related("team__workspace")
    if workspace is not None:
        routings = routings.filter(workspace=workspace)
    return sum(drain_team_queue(routing.team, at=at) for routing in routings)


def _lock_team(team: Team) -> TeamRouting | None:
    """Hold the team's members' rows (their open counts are about to be judged) and read its settings."""
    lock_rows_of(team_members(team))
    return routing_of(team)


def _next_teammate(routing: TeamRouting, availability: list[Availability]) -> Teammate | None:
    """Round-robin: the first available teammate after the last one given a conversation. Balanced:
    the available teammate with the fewest open conversations, ties in round-robin order."""
    candidates = [a for a in availability if a.available]
    if not candidates:
        return None
    last = routing.last_assigned_id or 0
    in_turn = sorted(candidates, key=lambda a: (a.teammate.pk <= last, a.teammate.pk))
    if routing.method == Method.BALANCED:
        return min(in_turn, key=lambda a: a.open_count).teammate
    return in_turn[0].teammate


def _move_pointer(routing: TeamRouting, chosen: Teammate) -> None:
    if routing.last_assigned_id != chosen.pk:
        TeamRouting.objects.filter(pk=routing.pk).update(last_assigned=chosen)
        routing.last_assigned_id = chosen.pk


def _one_more(availability: list[Availability], chosen: Teammate, limit: int | None) -> list[Availability]:
    """The team's availability after `chosen` took one more conversation."""
    updated = []
    for each in availability:
        if each.teammate.pk == chosen.pk:
            count = each.open_count + 1
            reason = (
                f"full ({count} open of {limit})" if limit is not None and count >= limit else each.reason
            )
            each = Availability(each.teammate, count, reason)
        updated.append(each)
    return updated
