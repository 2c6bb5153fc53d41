"""Writes for teams and their members."""

from django.db import IntegrityError, transaction

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text
from concierge.workspaces.models import Team, Teammate, Workspace
from concierge.workspaces.services.audit import SYSTEM, Actor, record_audit


def create_team(
    workspace: Workspace, *, name: str, members: list[Teammate] = (), actor: Actor = SYSTEM
) -> Team:
    name = clean_short_text(name, field="name", max_length=80, required=True)
    for member in members:
        if member.workspace_id != workspace.pk:
            raise InvalidInput("A team member must be a teammate of this workspace.", field="members")
    try:
        with transaction.atomic():
            team = Team.objects.create(workspace=workspace, name=name)
            team.members.add(*members)
            changes = {"name": [None, name]}
            if members:
                changes["members"] = [None, sorted({member.name for member in members})]
            record_audit(workspace, "team.created", actor=actor, target=team, changes=changes)
    except IntegrityError as exc:
        raise Conflict(f"A team named '{name}' already exists.", field="name") from exc
    return team


def add_team_member(team: Team, teammate: Teammate, *, actor: Actor = SYSTEM) -> bool:
    """Returns False when they were already a member (nothing changes)."""
    if teammate.workspace_id != team.workspace_id:
        raise InvalidInput("A team member must be a teammate of the team's workspace.", field="teammate")
    with transaction.atomic():
        if team.members.filter(pk=teammate.pk).exists():
            return False
        team.members.add(teammate)
        record_audit(
            team.workspace,
            "team.member_added",
            actor=actor,
            target=team,
            changes={"member": [None, teammate.name]},
        )
    return True


def remove_team_member(team: Team, teammate: Teammate, *, actor: Actor = SYSTEM) -> bool:
    """Returns False when they were not a member (nothing changes)."""
    with transaction.atomic():
        if not team.members.filter(pk=teammate.pk).exists():
            return False
        team.members.remove(teammate)
        record_audit(
            team.workspace,
            "team.member_removed",
            actor=actor,
            target=team,
            changes={"member": [teammate.name, None]},
        )
    return True


def rename_team(team: Team, *, name: str, actor: Actor = SYSTEM) -> Team:
    name = clean_short_text(name, field="name", max_length=80, required=True)
    if name == team.name:
        return team
    old = team.name
    try:
        with transaction.atomic():
            team.name = name
            team.save(update_fields=["name"])
            record_audit(
                team.workspace, "team.renamed", actor=actor, target=team, changes={"name": [old, name]}
            )
    except IntegrityError as exc:
        team.name = old
        raise Conflict(f"A team named '{name}' already exists.", field="name") from exc
    return team


def delete_team(team: Team, *, actor: Actor = SYSTEM) -> None:
    """The team is gone: its members stay teammates, its conversations stay with their teammate (or
    go to the unassigned queue), and the trail keeps its name."""
    with transaction.atomic():
        members = sorted(team.members.values_list("name", flat=True))
        changes = {"name": [team.name, None]}
        if members:
            changes["members"] = [members, None]
        record_audit(team.workspace, "team.deleted", actor=actor, target=team, changes=changes)
        team.delete()
