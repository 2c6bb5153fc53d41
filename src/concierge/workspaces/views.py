"""The workspace's settings pages under /w/<slug>/settings/, for owners and admins (an agent gets a
403 page, anyone outside the workspace a 404): the workspace itself, teammates and invitations, teams,
API keys, identity verification and the audit trail. The tags' page belongs to conversations
(`conversations.views.tags_settings_page`). Every change goes through a service with the teammate as
its actor, so it is audited; a change refused by a service re-renders its page with the reason and
the service's status (403, 404, 409, 422), having written nothing.

The invitation's page (/invite/<token>/) is outside any workspace: the person has no account yet."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.core.errors import Conflict, NotFound, ServiceError
from concierge.core.pagination import paginate
from concierge.core.zones import city_name
from concierge.workspaces import selectors, services
from concierge.workspaces.access import owners_and_admins_page
from concierge.workspaces.display import trail_by_day
from concierge.workspaces.emails import invite_link
from concierge.workspaces.forms import (
    ApiKeyForm,
    AuditFilterForm,
    InviteForm,
    MessengerSettingsForm,
    NameForm,
    RoleForm,
    RotateSecretForm,
    TeamMemberForm,
    WorkspaceSettingsForm,
    first_error,
)
from concierge.workspaces.models import Teammate
from concierge.workspaces.selectors import AUDIT_TRAIL_ORDER, audit_trail, teammates
from concierge.workspaces.services import Actor
from concierge.workspaces.services.api_keys import RANK

ENTRIES_PER_PAGE = 50
SETTINGS_REFUSAL = "Only owners and admins can change the workspace's settings."


def settings_page(view):
    return owners_and_admins_page(SETTINGS_REFUSAL)(view)


def found(selector, *args):
    """A selector's object, or a 404 page (another workspace's id reads as one that does not exist)."""
    try:
        return selector(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def actor_of(request) -> Actor:
    return Actor.for_teammate(request.teammate)


def _done(request, message: str, to: str):
    messages.success(request, message)
    return redirect(to, request.workspace.slug)


# ---------- The settings home and the workspace itself ----------


@settings_page
@require_GET
def settings_home(request):
    return _render_home(
        request, WorkspaceSettingsForm(workspace=request.workspace, reader_locale=request.teammate.locale)
    )


def _render_home(request, form, *, error=None, status=200):
    workspace = request.workspace
    context = {
        "section": "settings",
        "settings_section": "home",
        "form": form,
        "error": error,
        "counts": {
            "teammates": selectors.teammates(workspace).filter(is_active=True).count(),
            "invites": selectors.open_invites(workspace).count(),
            "teams": selectors.teams(workspace).count(),
            "api_keys": selectors.api_keys(workspace).filter(revoked_at__isnull=True).count(),
        },
        "zone_city": city_name(workspace.timezone, request.teammate.locale),
    }
    return render(request, "workspaces/settings_home.html", context, status=status)


@settings_page
@require_POST
def update_workspace_settings(request):
    form = WorkspaceSettingsForm(
        request.POST, workspace=request.workspace, reader_locale=request.teammate.locale
    )
    try:
        if not form.is_valid():
            raise first_error(form)
        services.update_workspace(
            request.workspace,
            name=form.cleaned_data["name"],
            timezone_name=form.cleaned_data["timezone"],
            locale=form.cleaned_data["locale"],
            actor=actor_of(request),
        )
    except ServiceError as exc:
        return _render_home(request, form, error=exc, status=exc.status_code)
    return _done(request, "The workspace's settings are saved.", "web:settings")


# ---------- Teammates and invitations ----------


@settings_page
@require_GET
def teammates_page(request):
    return _render_teammates(request, InviteForm())


def _render_teammates(request, invite_form, *, error=None, status=200):
    workspace = request.workspace
    everyone = list(selectors.teammates(workspace))
    context = {
        "section": "settings",
        "settings_section": "teammates",
        "invite_form": invite_form,
        "error": error,
        "active": [teammate for teammate in everyone if teammate.is_active],
        "deactivated": [teammate for teammate in everyone if not teammate.is_active],
        "invites": [
            (invite, selectors.invite_has_expired(invite)) for invite in selectors.open_invites(workspace)
        ],
        "roles": Teammate.Role.choices,
        "is_owner": request.teammate.role == Teammate.Role.OWNER,
    }
    return render(request, "workspaces/settings_teammates.html", context, status=status)


def _teammates_change(request, change, success: str):
    """Run a change from the teammates page: done → back with a message; refused → the page with why."""
    try:
        change()
    except ServiceError as exc:
        return _render_teammates(request, InviteForm(), error=exc, status=exc.status_code)
    return _done(request, success, "web:settings_teammates")


@settings_page
@require_POST
def invite_teammate(request):
    form = InviteForm(request.POST)
    try:
        if not form.is_valid():
            raise first_error(form)
        invite, _ = services.invite_teammate(
            request.workspace,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            actor=actor_of(request),
        )
    except ServiceError as exc:
        return _render_teammates(request, form, error=exc, status=exc.status_code)
    if invite.send_error:
        messages.warning(
            request, f"{invite.email} is invited, but the email could not be sent: {invite.send_error}"
        )
        return redirect("web:settings_teammates", request.workspace.slug)
    return _done(request, f"Invitation sent to {invite.email}.", "web:settings_teammates")


@settings_page
@require_POST
def resend_invite(request, invite_id: int):
    invite = found(selectors.open_invite_by_id, request.workspace, invite_id)
    return _teammates_change(
        request,
        lambda: services.resend_invite(invite, actor=actor_of(request)),
        f"Invitation sent again to {invite.email}; the earlier link no longer works.",
    )


@settings_page
@require_POST
def cancel_invite(request, invite_id: int):
    invite = found(selectors.open_invite_by_id, request.workspace, invite_id)
    return _teammates_change(
        request,
        lambda: services.cancel_invite(invite, actor=actor_of(request)),
        f"The invitation of {invite.email} is cancelled.",
    )


@settings_page
@require_POST
def change_role(request, teammate_id: int):
    teammate = found(selectors.teammate_by_id, request.workspace, teammate_id)
    form = RoleForm(request.POST)

    def change():
        if not form.is_valid():
            raise first_error(form)
        services.update_teammate(teammate, role=form.cleaned_data["role"], actor=actor_of(request))

    return _teammates_change(request, change, f"{teammate.name}'s role is saved.")


@settings_page
@require_POST
def deactivate_teammate(request, teammate_id: int):
    teammate = found(selectors.teammate_by_id, request.workspace, teammate_id)

    def change():
        if teammate.pk == request.teammate.pk:
            raise Conflict("You cannot deactivate yourself: ask another owner or admin.")
        services.update_teammate(teammate, is_active=False, actor=actor_of(request))

    return _teammates_change(
        request,
        change,
        f"{teammate.name} is deactivated; their open conversations are back in the unassigned queue.",
    )


@settings_page
@require_POST
def reactivate_teammate(request, teammate_id: int):
    teammate = found(selectors.teammate_by_id, request.workspace, teammate_id)
    return _teammates_change(
        request,
        lambda: services.update_teammate(teammate, is_active=True, actor=actor_of(request)),
        f"{teammate.name} is active again.",
    )


# ---------- Teams ----------


@settings_page
@require_GET
def teams_page(request):
    return _render_teams(request, NameForm())


def _render_teams(request, create_form, *, error=None, status=200):
    active = list(selectors.teammates(request.workspace).filter(is_active=True))
    teams = []
    for team in selectors.teams(request.workspace):
        member_ids = {member.pk for member in team.members.all()}
        teams.append((team, [teammate for teammate in active if teammate.pk not in member_ids]))
    context = {
        "section": "settings",
        "settings_section": "teams",
        "create_form": create_form,
        "error": error,
        "teams": teams,
    }
    return render(request, "workspaces/settings_teams.html", context, status=status)


def _teams_change(request, change, success: str):
    try:
        change()
    except ServiceError as exc:
        return _render_teams(request, NameForm(), error=exc, status=exc.status_code)
    return _done(request, success, "web:settings_teams")


@settings_page
@require_POST
def create_team(request):
    form = NameForm(request.POST)
    try:
        if not form.is_valid():
            raise first_error(form)
        team = services.create_team(
            request.workspace, name=form.cleaned_data["name"], actor=actor_of(request)
        )
    except ServiceError as exc:
        return _render_teams(request, form, error=exc, status=exc.status_code)
    return _done(request, f"Team {team.name} created: add its members below.", "web:settings_teams")


@settings_page
@require_POST
def rename_team(request, team_id: int):
    team = found(selectors.team_by_id, request.workspace, team_id)
    form = NameForm(request.POST)

    def change():
        if not form.is_valid():
            raise first_error(form)
        services.rename_team(team, name=form.cleaned_data["name"], actor=actor_of(request))

    return _teams_change(request, change, "The team is renamed.")


@settings_page
@require_POST
def delete_team(request, team_id: int):
    team = found(selectors.team_by_id, request.workspace, team_id)
    name = team.name
    return _teams_change(
        request, lambda: services.delete_team(team, actor=actor_of(request)), f"Team {name} deleted."
    )


@settings_page
@require_POST
def add_team_member(request, team_id: int):
    team = found(selectors.team_by_id, request.workspace, team_id)
    form = TeamMemberForm(
        request.POST, teammates=selectors.teammates(request.workspace).filter(is_active=True)
    )
    if not form.is_valid():
        return _render_teams(request, NameForm(), error=first_error(form), status=422)
    teammate = found(selectors.teammate_by_id, request.workspace, form.cleaned_data["teammate"])
    return _teams_change(
        request,
        lambda: services.add_team_member(team, teammate, actor=actor_of(request)),
        f"{teammate.name} is in {team.name}.",
    )


@settings_page
@require_POST
def remove_team_member(request, team_id: int, teammate_id: int):
    team = found(selectors.team_by_id, request.workspace, team_id)
    teammate = found(selectors.teammate_by_id, request.workspace, teammate_id)
    return _teams_change(
        request,
        lambda: services.remove_team_member(team, teammate, actor=actor_of(request)),
        f"{teammate.name} is no longer in {team.name}.",
    )


# ---------- API keys ----------


def _key_makers(request) -> list[Teammate]:
    """The teammates a new key may act as: the maker and those whose role ranks no higher."""
    return [
        teammate
        for teammate in selectors.teammates(request.workspace).filter(is_active=True)
        if RANK[teammate.role] <= RANK[request.teammate.role]
    ]


@settings_page
@require_http_methods(["GET", "POST"])
def api_keys_page(request):
    """GET lists the keys; POST makes one and shows it, this once, on the answer (never stored)."""
    form = ApiKeyForm(
        request.POST if request.method == "POST" else None,
        teammates=_key_makers(request),
        initial={"teammate": request.teammate.pk},
    )
    context = {"section": "settings", "settings_section": "api_keys", "form": form}
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise first_error(form)
            teammate = found(selectors.teammate_by_id, request.workspace, form.cleaned_data["teammate"])
            key, raw = services.create_api_key(
                request.workspace, name=form.cleaned_data["name"], teammate=teammate, actor=actor_of(request)
            )
            context["new_key"], context["raw_key"] = key, raw
            context["form"] = ApiKeyForm(
                teammates=_key_makers(request), initial={"teammate": request.teammate.pk}
            )
        except ServiceError as exc:
            context["error"], status = exc, exc.status_code
    context["keys"] = list(selectors.api_keys(request.workspace))
    response = render(request, "workspaces/settings_api_keys.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page that shows a new key is never kept
    return response


@settings_page
@require_POST
def revoke_api_key(request, key_id: int):
    key = found(selectors.api_key_by_id, request.workspace, key_id)
    try:
        services.revoke_api_key(key, actor=actor_of(request))
    except ServiceError as exc:  # pragma: no cover - revoking has no refusal today
        messages.error(request, exc.message)
    return _done(
        request,
        f"API key {key.name} is revoked: calls with it are refused from now on.",
        "web:settings_api_keys",
    )


# ---------- Identity verification ----------


@settings_page
@require_GET
def identity_page(request):
    return _render_identity(request, RotateSecretForm())


def _render_identity(request, form, *, error=None, status=200):
    context = {
        "section": "settings",
        "settings_section": "identity",
        "form": form,
        "error": error,
        "secret": request.workspace.identity_secret,
    }
    response = render(request, "workspaces/settings_identity.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@settings_page
@require_POST
def rotate_identity_secret(request):
    form = RotateSecretForm(request.POST)
    if not form.is_valid():
        return _render_identity(request, form, error=first_error(form), status=422)
    services.rotate_identity_secret(request.workspace, actor=actor_of(request))
    return _done(
        request,
        "A new identity secret is in use: give it to your servers; hashes made with the old one are refused.",
        "web:settings_identity",
    )


# ---------- The messenger ----------


@settings_page
@require_GET
def messenger_page(request):
    return _render_messenger(request, MessengerSettingsForm(workspace=request.workspace))


def _render_messenger(request, form, *, error=None, status=200):
    workspace = request.workspace
    context = {
        "section": "settings",
        "settings_section": "messenger",
        "form": form,
        "error": error,
        "install_snippet": install_snippet(workspace),
    }
    return render(request, "workspaces/settings_messenger.html", context, status=status)


def install_snippet(workspace) -> str:
    """The two script tags a product's pages carry (the contract in docs/messenger-setup.md)."""
    return (
        f'<script src="{settings.PUBLIC_URL}/messenger.js" data-workspace="{workspace.slug}" async></script>\n'
        "<script>window.Concierge = window.Concierge || function(){(Concierge.q = Concierge.q || []).push(arguments)};\n"
        'Concierge(\'boot\', {user_id: "u_42", user_hash: "<hmac>", name: "Ana", email: "ana@example.com"});</script>'
    )


@settings_page
@require_POST
def update_messenger_settings(request):
    form = MessengerSettingsForm(request.POST, workspace=request.workspace)
    try:
        if not form.is_valid():
            raise first_error(form)
        services.update_messenger_settings(
            request.workspace,
            allowed_origins=form.origins(),
            require_verified_identity=form.cleaned_data["require_verified_identity"],
            greeting=form.cleaned_data["greeting"],
            color=form.cleaned_data["color"],
            actor=actor_of(request),
        )
    except ServiceError as exc:
        request.workspace.refresh_from_db()
        return _render_messenger(request, form, error=exc, status=exc.status_code)
    return _done(request, "The messenger's settings are saved.", "web:settings_messenger")


# ---------- The audit trail ----------


@owners_and_admins_page("Only owners and admins can read the audit trail.")
@require_GET
def audit_trail_page(request):
    """Who changed the workspace's configuration, newest first, in the reader's zone and language."""
    reader = request.teammate
    form = AuditFilterForm(
        request.GET if set(request.GET) - {"cursor"} else None, teammates=list(teammates(request.workspace))
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "section": "settings",
        "settings_section": "audit",
        "form": form,
        "days": [],
        "next_cursor": None,
        "list_query": query.urlencode(),
        "paged": bool(request.GET.get("cursor")),
        "zone_city": city_name(reader.timezone or "UTC", reader.locale),
    }
    try:
        entries = audit_trail(request.workspace, **form.filters(reader.timezone or "UTC"))
        page = paginate(
            entries, order=AUDIT_TRAIL_ORDER, cursor=request.GET.get("cursor"), limit=ENTRIES_PER_PAGE
        )
    except ServiceError as exc:
        context["error"] = exc
        return render(request, "workspaces/audit_trail.html", context, status=exc.status_code)
    context["days"] = trail_by_day(page.items, reader)
    context["next_cursor"] = page.next_cursor
    return render(request, "workspaces/audit_trail.html", context)


# ---------- Accepting an invitation (outside the workspace) ----------


@require_http_methods(["GET", "POST"])
def accept_invite_page(request, token: str):
    """The link of the invitation email: choose a name and a password, and you are in. Someone who
    already has an account signs in to it first and keeps their password."""
    try:
        invite = services.open_invite_for_token(token)
    except NotFound as exc:
        response = render(request, "workspaces/invite_invalid.html", {"message": exc.message}, status=404)
        response["Cache-Control"] = "no-store"
        return response
    existing = selectors.user_with_login(invite.email)
    context = {
        "invite": invite,
        "has_account": existing is not None,
        "signed_in_as_invited": existing is not None
        and request.user.is_authenticated
        and request.user.pk == existing.pk,
        "name": request.POST.get("name", invite.name),
        "link": invite_link(token),
    }
    status = 200
    if request.method == "POST":
        try:
            teammate = services.accept_invite(
                token,
                name=request.POST.get("name", ""),
                password=request.POST.get("password") or None,
                signed_in_user=request.user if request.user.is_authenticated else None,
            )
        except ServiceError as exc:
            context["error"], status = exc, exc.status_code
        else:
            if not context["signed_in_as_invited"]:
                login(request, teammate.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invite.workspace.name}, {teammate.name}.")
            return redirect("web:inbox", invite.workspace.slug)
    response = render(request, "workspaces/accept_invite.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
