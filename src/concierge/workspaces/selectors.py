import re
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, Prefetch, Q, QuerySet
from django.utils import timezone

from concierge.core.errors import InvalidInput, NotFound
from concierge.workspaces.models import ApiKey, AuditEntry, Invite, Team, Teammate, Workspace

AUDIT_ACTION_FILTER = re.compile(r"^[a-z_]+(\.[a-z_]*)?$")
AUDIT_TRAIL_ORDER = ("-at", "-id")


def workspace_by_slug(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise NotFound(f"No workspace with slug '{slug}'.")
    return workspace


def workspaces_of_user(user) -> QuerySet[Workspace]:
    return Workspace.objects.filter(teammates__user=user, teammates__is_active=True).order_by("name")


def workspaces_run_by(user) -> QuerySet[Workspace]:
    """The workspaces the user is an active owner or admin of, by name."""
    return Workspace.objects.filter(
        teammates__user=user,
        teammates__is_active=True,
        teammates__role__in=[Teammate.Role.OWNER, Teammate.Role.ADMIN],
    ).order_by("name")


def teammate_of_user(workspace: Workspace, user) -> Teammate | None:
    if not user.is_authenticated:
        return None
    return (
        Teammate.objects.filter(workspace=workspace, user=user, is_active=True).select_related("user").first()
    )


def teammate_by_slug(slug: str, user) -> Teammate | None:
    """The user's active teammate in the workspace with this slug, the workspace read with it (one
    query for every page under /w/<slug>/), and the user the one given; None when there is none."""
    if not user.is_authenticated:
        return None
    found = Teammate.objects.filter(workspace__slug=slug, user_id=user.pk, is_active=True).select_related(
        "workspace"
    )[:1]  # one at most (a user is a teammate of a workspace once): no ordering needed
    for teammate in found:
        teammate.user = user
        return teammate
    return None


def teammate_by_email(workspace: Workspace, email: str) -> Teammate | None:
    """The workspace's teammate (active or not) whose account has this email address."""
    return Teammate.objects.filter(workspace=workspace, user__username=email.strip().lower()).first()


def has_another_active_owner(teammate: Teammate) -> bool:
    """Whether the teammate's workspace has an active owner besides them."""
    return (
        Teammate.objects.filter(workspace_id=teammate.workspace_id, role=Teammate.Role.OWNER, is_active=True)
        .exclude(pk=teammate.pk)
        .exists()
    )


def teammates(workspace: Workspace) -> QuerySet[Teammate]:
    return Teammate.objects.filter(workspace=workspace).select_related("user").order_by("name", "id")


def active_teammate_names(workspace: Workspace) -> list[tuple[int, str]]:
    """(id, name) of the workspace's active teammates, in the order `teammates` lists them: for a
    choice of teammate, without making a Teammate of each."""
    return list(teammates(workspace).filter(is_active=True).values_list("pk", "name"))


def teammate_by_id(workspace: Workspace, teammate_id: int) -> Teammate:
    teammate = teammates(workspace).filter(pk=teammate_id).first()
    if teammate is None:
        raise NotFound(f"No teammate with id {teammate_id} in this workspace.")
    return teammate


def teammates_by_ids(workspace: Workspace, teammate_ids: list[int]) -> list[Teammate]:
    """The workspace's teammates with these ids, in the order given; an unknown id is a NotFound."""
    found = {teammate.pk: teammate for teammate in teammates(workspace).filter(pk__in=set(teammate_ids))}
    for teammate_id in teammate_ids:
        if teammate_id not in found:
            raise NotFound(f"No teammate with id {teammate_id} in this workspace.")
    return [found[teammate_id] for teammate_id in dict.fromkeys(teammate_ids)]


def teams(workspace: Workspace) -> QuerySet[Team]:
    return (
        Team.objects.filter(workspace=workspace)
        .prefetch_related(Prefetch("members", queryset=Teammate.objects.order_by("name")))
        .order_by("name", "id")
    )


def team_names(workspace: Workspace) -> list[tuple[int, str]]:
    """(id, name) of the workspace's teams, in the order `teams` lists them: for a choice of team."""
    return list(Team.objects.filter(workspace=workspace).order_by("name", "id").values_list("pk", "name"))


def team_by_id(workspace: Workspace, team_id: int) -> Team:
    team = teams(workspace).filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"No team with id {team_id} in this workspace.")
    return team


def active_api_key_by_hash(key_hash: str, *, failures: QuerySet | None = None) -> ApiKey | None:
    """A key that is not revoked and whose teammate, if it acts as one, is active. With `failures`
    (a throttle's run, core.throttling.Throttle.runs), the key's `has_failures` says in the same query
    whether that run exists."""
    keys = ApiKey.objects.filter(key_hash=key_hash, revoked_at__isnull=True)
    if failures is not None:
        keys = keys.annotate(has_failures=Exists(failures))
    return (
        keys.filter(Q(teammate__isnull=True) | Q(teammate__is_active=True))
        .select_related("workspace", "teammate")
        .first()
    )


def api_keys(workspace: Workspace) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(workspace=workspace).select_related("teammate").order_by("-created_at", "-id")
    )


def api_key_by_id(workspace: Workspace, key_id: int) -> ApiKey:
    key = api_keys(workspace).filter(pk=key_id).first()
    if key is None:
        raise NotFound(f"No API key with id {key_id} in this workspace.")
    return key


def open_invites(workspace: Workspace) -> QuerySet[Invite]:
    """Invitations not yet accepted nor cancelled (expired ones too: they can be sent again), newest first."""
    return (
        Invite.objects.filter(workspace=workspace, accepted_at__isnull=True, cancelled_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def open_invite_by_id(workspace: Workspace, invite_id: int) -> Invite:
    invite = open_invites(workspace).filter(pk=invite_id).first()
    if invite is None:
        raise NotFound(f"No open invitation with id {invite_id} in this workspace.")
    return invite


def user_with_login(email: str):
    """The account of this address if it signs in already (active, with a password), else None."""
    user = get_user_model().objects.filter(username=email).first()
    return user if user is not None and user.is_active and user.has_usable_password() else None


def invite_has_expired(invite: Invite) -> bool:
    return invite.expires_at <= timezone.now()


def audit_trail(
    workspace: Workspace,
    *,
    action: str | None = None,
    actor_teammate: Teammate | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """The workspace's configuration changes, newest first (AUDIT_TRAIL_ORDER).

    `action` is an action ('team.created') or the start of one ('team.member'); a bare thing ('team')
    means all of its actions ('team.…', not 'teammate.…'). `since` is included, `until` is not."""
    entries = AuditEntry.objects.filter(workspace=workspace)
    if action:
        if len(action) > 60 or not AUDIT_ACTION_FILTER.match(action):
            raise InvalidInput(
                f"action '{action[:60]}' must be an action like 'team.created', or the start of one like "
                "'team' or 'api_key.'",
                field="action",
            )
        entries = entries.filter(action__startswith=action if "." in action else f"{action}.")
    if actor_teammate is not None:
        if actor_teammate.workspace_id != workspace.pk:
            raise NotFound(f"No teammate with id {actor_teammate.pk} in this workspace.")
        entries = entries.filter(actor_teammate=actor_teammate)
    since, until = _instant(since, field="since"), _instant(until, field="until")
    if since is not None and until is not None and since >= until:
        raise InvalidInput("since must be before until.", field="until")
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.order_by(*AUDIT_TRAIL_ORDER)


def _instant(value: datetime | None, *, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{field} must be a time with its zone offset.", field=field)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{field} is out of range.", field=field) from None


# ---------- The messenger's origins ----------

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_ORIGIN_LENGTH = 253 + 20
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalised_origin(text: str) -> str:
    """An origin as the settings keep it and a browser sends it: "scheme://host[:port]", lowercase,
    without a default port ("HTTPS://App.Acme.com:443/" -> "https://app.acme.com"). A host may start
    with "*." for every subdomain ("https://*.acme.com"). Anything else (a path, a query, a user name,
    another scheme) raises InvalidInput saying what is wrong."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("An origin is empty.", field="messenger_allowed_origins")
    shown = raw[:100]
    if len(raw) > MAX_ORIGIN_LENGTH or not raw.isascii() or any(c.isspace() for c in raw):
        raise InvalidInput(
            f"'{shown}' is not an origin: use scheme://host[:port] in plain ASCII (e.g. https://app.acme.com).",
            field="messenger_allowed_origins",
        )
    scheme, separator, rest = raw.partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in DEFAULT_PORTS:
        raise InvalidInput(
            f"'{shown}' must start with http:// or https:// (e.g. https://app.acme.com).",
            field="messenger_allowed_origins",
        )
    if rest.endswith("/"):
        rest = rest[:-1]
    if any(mark in rest for mark in "/?#"):
        raise InvalidInput(
            f"'{shown}' has a path, a query or a fragment: an origin is only scheme://host[:port].",
            field="messenger_allowed_origins",
        )
    if "@" in rest:
        raise InvalidInput(f"'{shown}' must not name a user.", field="messenger_allowed_origins")
    host, port = _host_and_port(rest, shown)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def _host_and_port(rest: str, shown: str) -> tuple[str, int | None]:
    if rest.startswith("["):  # an IPv6 address: [::1]:8000
        end = rest.find("]")
        host, after = rest[: end + 1], rest[end + 1 :]
        if end < 0 or not re.fullmatch(r"\[[0-9a-fA-F:.]+\]", host):
            raise InvalidInput(f"'{shown}' has an unreadable IPv6 host.", field="messenger_allowed_origins")
        port_text = after[1:] if after.startswith(":") else None
        if after and port_text is None:
            raise InvalidInput(f"'{shown}' is not scheme://host[:port].", field="messenger_allowed_origins")
    else:
        host, _, port_text = rest.partition(":")
        port_text = port_text if ":" in rest else None
        labels = host.lower().split(".")
        if labels[0] == "*" and len(labels) > 2:
            labels = labels[1:]
        if not host or not all(HOST_LABEL.match(label) for label in labels):
            raise InvalidInput(
                f"'{shown}' has no valid host name (letters, digits, hyphens and dots; '*.' first for "
                "every subdomain).",
                field="messenger_allowed_origins",
            )
    port = None
    if port_text is not None:
        if not (port_text.isascii() and port_text.isdigit()) or not 1 <= int(port_text) <= 65535:
            raise InvalidInput(
                f"'{shown}' has a port that is not a number from 1 to 65535.",
                field="messenger_allowed_origins",
            )
        port = int(port_text)
    return host.lower(), port


def origin_allowed(workspace: Workspace, origin: str | None) -> bool:
    """May a page of `origin` (a browser's Origin header) embed and talk to this workspace's
    messenger? Any origin when the workspace names none; otherwise one of them, compared after
    normalising case and default ports; "https://*.acme.com" allows acme.com's subdomains (not
    acme.com itself). An unreadable origin, or "null" (a sandboxed or file page), is not allowed when
    the workspace names origins."""
    allowed = workspace.messenger_allowed_origins or []
    if not allowed:
        return True
    try:
        origin = normalised_origin(origin or "")
    except InvalidInput:
        return False
    if origin in allowed:
        return True
    scheme, _, host_port = origin.partition("://")
    for pattern in allowed:
        pattern_scheme, _, pattern_host = pattern.partition("://")
        if pattern_scheme == scheme and pattern_host.startswith("*."):
            suffix = pattern_host[1:]  # ".acme.com[:port]"
            if host_port.endswith(suffix) and len(host_port) > len(suffix):
                return True
    return False
