"""The API for the workspace, its teammates and teams (API-key auth: request.workspace)."""

from ninja import Query, Router, Status

from concierge.core.idempotency import idempotent
from concierge.core.pagination import paginate
from concierge.core.schemas import ObjectId, PageQuery
from concierge.workspaces import selectors, services
from concierge.workspaces.auth import require_owner_or_admin
from concierge.workspaces.schemas import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    ApiKeyPage,
    AuditEntryPage,
    AuditQuery,
    IdentitySecretOut,
    InviteIn,
    InviteOut,
    InvitePage,
    TeamIn,
    TeammateIn,
    TeammateOut,
    TeammatePage,
    TeammateUpdateIn,
    TeamMemberIn,
    TeamOut,
    TeamPage,
    TeamRenameIn,
    WorkspaceOut,
    WorkspaceUpdateIn,
)
from concierge.workspaces.services import Actor

router = Router(tags=["workspace"])

# Every route that changes the set-up, and the audit trail, starts with require_owner_or_admin: a
# key that acts as an agent is refused (403), as the agent is on the settings pages (docs/roles.md).

NAME_ORDER = ("name", "id")


@router.get("/workspace", response=WorkspaceOut, summary="The workspace this API key belongs to")
def current_workspace(request):
    return request.workspace


@router.patch(
    "/workspace", response=WorkspaceOut, summary="Change the workspace's name, time zone or language"
)
def update_workspace(request, payload: WorkspaceUpdateIn):
    require_owner_or_admin(request)
    return services.update_workspace(
        request.workspace,
        name=payload.name,
        timezone_name=payload.timezone,
        locale=payload.locale,
        actor=Actor.for_api_key(request.auth),
    )


@router.post(
    "/workspace/identity-secret/rotate",
    response=IdentitySecretOut,
    summary="Rotate the identity secret (every user_hash made with the old one is refused)",
)
def rotate_identity_secret(request):
    require_owner_or_admin(request)
    workspace = services.rotate_identity_secret(request.workspace, actor=Actor.for_api_key(request.auth))
    return {"identity_secret": workspace.identity_secret}


@router.get("/teammates", response=TeammatePage, tags=["teammates"], summary="List teammates")
def list_teammates(request, page: Query[PageQuery]):
    return paginate(
        selectors.teammates(request.workspace), order=NAME_ORDER, cursor=page.cursor, limit=page.limit
    )


@router.post("/teammates", response={201: TeammateOut}, tags=["teammates"], summary="Add a teammate")
@idempotent
def create_teammate(request, payload: TeammateIn):
    """Adds a person (a new or existing user, by email) to the workspace. They set a password with
    the sign-in page's reset; the API never takes one. To have them set one from an email, invite
    them instead (`POST /invites`)."""
    require_owner_or_admin(request)
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
    """Only an owner makes someone an owner or changes an owner (403); the only active owner cannot
    be demoted or deactivated (409)."""
    require_owner_or_admin(request)
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
    require_owner_or_admin(request)
    members = selectors.teammates_by_ids(request.workspace, payload.member_ids)
    team = services.create_team(
        request.workspace, name=payload.name, members=members, actor=Actor.for_api_key(request.auth)
    )
    return Status(201, TeamOut.from_orm(selectors.team_by_id(request.workspace, team.pk)))


@router.get("/teams/{team_id}", response=TeamOut, tags=["teams"], summary="Get a team")
def get_team(request, team_id: ObjectId):
    return selectors.team_by_id(request.workspace, team_id)


@router.patch("/teams/{team_id}", response=TeamOut, tags=["teams"], summary="Rename a team")
def rename_team(request, team_id: ObjectId, payload: TeamRenameIn):
    require_owner_or_admin(request)
    team = selectors.team_by_id(request.workspace, team_id)
    services.rename_team(team, name=payload.name, actor=Actor.for_api_key(request.auth))
    return selectors.team_by_id(request.workspace, team_id)


@router.delete("/teams/{team_id}", response={204: None}, tags=["teams"], summary="Delete a team")
def delete_team(request, team_id: ObjectId):
    """Its members stay teammates; its conversations stay with their teammate, or unassigned."""
    require_owner_or_admin(request)
    services.delete_team(
        selectors.team_by_id(request.workspace, team_id), actor=Actor.for_api_key(request.auth)
    )
    return Status(204, None)


@router.post("/teams/{team_id}/members", response=TeamOut, tags=["teams"], summary="Add a member to a team")
@idempotent
def add_team_member(request, team_id: ObjectId, payload: TeamMemberIn):
    require_owner_or_admin(request)
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
    require_owner_or_admin(request)
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
    require_owner_or_admin(request)
    actor = None
    if query.actor_teammate_id is not None:
        actor = selectors.teammate_by_id(request.workspace, query.actor_teammate_id)
    entries = selectors.audit_trail(
        request.workspace, action=query.action, actor_teammate=actor, since=query.since, until=query.until
    )
    return paginate(entries, order=selectors.AUDIT_TRAIL_ORDER, cursor=query.cursor, limit=query.limit)


@router.get("/invites", response=InvitePage, tags=["teammates"], summary="Open invitations, newest first")
def list_invites(request, page: Query[PageQuery]):
    require_owner_or_admin(request)
    return paginate(
        selectors.open_invites(request.workspace),
        order=("-created_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
    )


@router.post("/invites", response={201: InviteOut}, tags=["teammates"], summary="Invite someone by email")
@idempotent
def create_invite(request, payload: InviteIn):
    """Emails them a link to set a password and join, valid for 7 days and once. Only an owner
    invites an owner (403); an address already invited is a 409 (send it again instead)."""
    require_owner_or_admin(request)
    invite, _ = services.invite_teammate(
        request.workspace,
        email=payload.email,
        name=payload.name,
        role=payload.role,
        actor=Actor.for_api_key(request.auth),
    )
    return Status(201, InviteOut.from_orm(invite))


@router.post(
    "/invites/{invite_id}/resend", response=InviteOut, tags=["teammates"], summary="Send an invitation again"
)
def resend_invite(request, invite_id: ObjectId):
    """A new link, valid for 7 days from now; the earlier link stops working."""
    require_owner_or_admin(request)
    invite = selectors.open_invite_by_id(request.workspace, invite_id)
    invite, _ = services.resend_invite(invite, actor=Actor.for_api_key(request.auth))
    return invite


@router.delete(
    "/invites/{invite_id}", response={204: None}, tags=["teammates"], summary="Cancel an invitation"
)
def cancel_invite(request, invite_id: ObjectId):
    require_owner_or_admin(request)
    invite = selectors.open_invite_by_id(request.workspace, invite_id)
    services.cancel_invite(invite, actor=Actor.for_api_key(request.auth))
    return Status(204, None)


@router.get("/api-keys", response=ApiKeyPage, tags=["api keys"], summary="API keys, newest first")
def list_api_keys(request, page: Query[PageQuery]):
    require_owner_or_admin(request)
    return paginate(
        selectors.api_keys(request.workspace),
        order=("-created_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
    )


@router.post("/api-keys", response={201: ApiKeyCreatedOut}, tags=["api keys"], summary="Create an API key")
def create_api_key(request, payload: ApiKeyIn):
    """The answer holds the key itself, this once. The new key acts as `teammate_id`, by default as
    the calling key's own teammate; never with more rights than the calling key."""
    require_owner_or_admin(request)
    teammate = request.auth.teammate
    if payload.teammate_id is not None:
        teammate = selectors.teammate_by_id(request.workspace, payload.teammate_id)
    key, raw = services.create_api_key(
        request.workspace, name=payload.name, teammate=teammate, actor=Actor.for_api_key(request.auth)
    )
    return Status(201, {**ApiKeyOut.from_orm(key).dict(), "key": raw})


@router.delete("/api-keys/{key_id}", response={204: None}, tags=["api keys"], summary="Revoke an API key")
def revoke_api_key(request, key_id: ObjectId):
    require_owner_or_admin(request)
    key = selectors.api_key_by_id(request.workspace, key_id)
    services.revoke_api_key(key, actor=Actor.for_api_key(request.auth))
    return Status(204, None)
