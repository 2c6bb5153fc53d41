"""The API for the workspace, its teammates and teams (API-key auth: request.workspace)."""

from ninja import Query, Router, Status

from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, PageQuery
from concierge.workspaces import selectors, services
from concierge.workspaces.schemas import (
    AuditEntryPage,
    AuditQuery,
    TeamIn,
    TeammateIn,
    TeammateOut,
    TeammatePage,
    TeammateUpdateIn,
    TeamMemberIn,
    TeamOut,
    TeamPage,
    WorkspaceOut,
)
from concierge.workspaces.services import Actor

router = Router(tags=["workspace"])

NAME_ORDER = ("name", "id")


@router.get("/workspace", response=WorkspaceOut, summary="The workspace this API key belongs to")
def current_workspace(request):
    return request.workspace


@router.get("/teammates", response=TeammatePage, tags=["teammates"], summary="List teammates")
def list_teammates(request, page: Query[PageQuery]):
    return paginate(
        selectors.teammates(request.workspace), order=NAME_ORDER, cursor=page.cursor, limit=page.limit
    )


@router.post("/teammates", response={201: TeammateOut}, tags=["teammates"], summary="Add a teammate")
@idempotent
def create_teammate(request, payload: TeammateIn):
    """Adds a person (a new or existing user, by email) to the workspace. They set a password with
    the sign-in page's reset; the API never takes one."""
    teammate = services.add_teammate(
        request.workspace,
        email=payload.email,
        name=payload.name,
        role=payload.role,
        timezone_name=payload.timezone,
        locale=payload.locale,
        external_id=payload.external_id,
        actor=Actor.for_api_key(request.auth),
    )
    return Status(201, TeammateOut.from_orm(selectors.teammate_by_id(request.workspace, teammate.pk)))


@router.get("/teammates/{teammate_id}", response=TeammateOut, tags=["teammates"], summary="Get a teammate")
def get_teammate(request, teammate_id: ObjectId):
    return selectors.teammate_by_id(request.workspace, teammate_id)


@router.patch(
    "/teammates/{teammate_id}", response=TeammateOut, tags=["teammates"], summary="Update a teammate"
)
def update_teammate(request, teammate_id: ObjectId, payload: TeammateUpdateIn):
    teammate = selectors.teammate_by_id(request.workspace, teammate_id)
    return services.update_teammate(
        teammate,
        name=payload.name,
        role=payload.role,
        timezone_name=payload.timezone,
        locale=payload.locale,
        is_active=payload.is_active,
        actor=Actor.for_api_key(request.auth),
    )


@router.get("/teams", response=TeamPage, tags=["teams"], summary="List teams with their members")
def list_teams(request, page: Query[PageQuery]):
    return paginate(
        selectors.teams(request.workspace), order=NAME_ORDER, cursor=page.cursor, limit=page.limit
    )


@router.post("/teams", response={201: TeamOut}, tags=["teams"], summary="Create a team")
@idempotent
def create_team(request, payload: TeamIn):
    members = selectors.teammates_by_ids(request.workspace, payload.member_ids)
    team = services.create_team(
        request.workspace, name=payload.name, members=members, actor=Actor.for_api_key(request.auth)
    )
    return Status(201, TeamOut.from_orm(selectors.team_by_id(request.workspace, team.pk)))


@router.get("/teams/{team_id}", response=TeamOut, tags=["teams"], summary="Get a team")
def get_team(request, team_id: ObjectId):
    return selectors.team_by_id(request.workspace, team_id)


@router.post("/teams/{team_id}/members", response=TeamOut, tags=["teams"], summary="Add a member to a team")
@idempotent
def add_team_member(request, team_id: ObjectId, payload: TeamMemberIn):
    team = selectors.team_by_id(request.workspace, team_id)
    teammate = selectors.teammate_by_id(request.workspace, payload.teammate_id)
    services.add_team_member(team, teammate, actor=Actor.for_api_key(request.auth))
    return TeamOut.from_orm(selectors.team_by_id(request.workspace, team_id))


@router.delete(
    "/teams/{team_id}/members/{teammate_id}",
    response=TeamOut,
    tags=["teams"],
    summary="Remove a member from a team",
)
def remove_team_member(request, team_id: ObjectId, teammate_id: ObjectId):
    team = selectors.team_by_id(request.workspace, team_id)
    teammate = selectors.teammate_by_id(request.workspace, teammate_id)
    services.remove_team_member(team, teammate, actor=Actor.for_api_key(request.auth))
    return selectors.team_by_id(request.workspace, team_id)


@router.get(
    "/audit-entries",
    response=AuditEntryPage,
    tags=["audit"],
    summary="The audit trail of configuration changes, newest first",
)
def list_audit_entries(request, query: Query[AuditQuery]):
    """Who changed the workspace's configuration (teams, teammates, API keys, settings, tags, session
    types, availability), when, and each field's old and new value."""
    actor = None
    if query.actor_teammate_id is not None:
        actor = selectors.teammate_by_id(request.workspace, query.actor_teammate_id)
    entries = selectors.audit_trail(
        request.workspace, action=query.action, actor_teammate=actor, since=query.since, until=query.until
    )
    return paginate(entries, order=selectors.AUDIT_TRAIL_ORDER, cursor=query.cursor, limit=query.limit)
