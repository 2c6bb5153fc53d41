"""Server-to-server authentication: `Authorization: Bearer <workspace API key>`.

Guessing keys is throttled per client address (core.throttling): ten wrong keys in a row are free,
then each next request waits twice as long as the one before, and after fifty the address gets 429
for an hour — with the right key too. A request with a right key ends the address's run.
"""

from datetime import timedelta

from ninja.security import HttpBearer

from concierge.core.errors import PermissionDenied
from concierge.core.throttling import Throttle, client_address
from concierge.workspaces.models import Teammate
from concierge.workspaces.selectors import active_api_key_by_hash
from concierge.workspaces.services import hash_api_key, mark_api_key_used

API_KEY_ADDRESS = Throttle(
    scope="api-key:address",
    wait_message="Too many requests with a wrong API key from this address. Wait {wait} and try again.",
    locked_message=(
        "Requests from this address are refused for {wait} after {failures} wrong API keys in a row. "
        "Check the key your integration sends (a workspace owner can make a new one), then try again."
    ),
    free_failures=10,
    lock_after=50,
    lock_for=timedelta(hours=1),
)


class WorkspaceApiKey(HttpBearer):
    """Sets request.workspace to the key's workspace; every route scopes its reads and writes to it."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        """One query for a right key from an address with no wrong ones (the key, asking within it
        whether the address has a run of failures); the throttle's own reads only otherwise."""
        address = client_address(request)
        key = None
        if token and len(token) <= 200:
            key = active_api_key_by_hash(hash_api_key(token), failures=API_KEY_ADDRESS.runs(address))
        if key is None or key.has_failures:
            # As if asked before the key: a waiting or locked address is refused, right key or not.
            run = API_KEY_ADDRESS.run(address)
            refusal = API_KEY_ADDRESS.refusal_for(run)
            if refusal is not None:
                raise refusal
            if key is None:
                API_KEY_ADDRESS.failed(address)
                return None
            if run is not None:
                API_KEY_ADDRESS.succeeded(address)
        mark_api_key_used(key)
        request.workspace = key.workspace
        return key


SETTINGS_REFUSAL = (
    "This API key acts as an agent; only owners and admins change the workspace's set-up (docs/roles.md)."
)


def require_owner_or_admin(request) -> None:
    """For the set-up's routes (teammates, invitations, teams, tags, API keys, the workspace's settings,
    the audit trail): a key that acts as an agent gets 403, as the agent gets on the pages. A key made
    on the server (no teammate) acts for the workspace's operator."""
    key = request.auth
    if key.teammate_id is not None and key.teammate.role not in (Teammate.Role.OWNER, Teammate.Role.ADMIN):
        raise PermissionDenied(SETTINGS_REFUSAL)
