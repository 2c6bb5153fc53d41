"""Writes for teams and their members."""

from django.db import IntegrityError, transaction

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text
from concierge.workspaces.models import Team, Teammate, Workspace


def create_team(workspace: Workspace, *, name: str, members: list[Teammate] = ()) -> Team:
    name = clean_short_text(name, field="name", max_length=80, required=True)
    for member in members:
        if member.workspace_id != workspace.pk:
            raise InvalidInput("A team member must be a teammate of this workspace.", field="members")
    try:
        with transaction.atomic():
            team = Team.objects.create(workspace=workspace, name=name)
            team.members.add(*members)
    except IntegrityError as exc:
        raise Conflict(f"A team named '{name}' already exists.", field="name") from exc
    return team


def add_team_member(team: Team, teammate: Teammate) -> None:
    if teammate.workspace_id != team.workspace_id:
        raise InvalidInput("A team member must be a teammate of the team's workspace.", field="teammate")
    team.members.add(teammate)


def remove_team_member(team: Team, teammate: Teammate) -> None:
    team.members.remove(teammate)
