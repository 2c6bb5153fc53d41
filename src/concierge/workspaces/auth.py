"""Server-to-server authentication: `Authorization: Bearer <workspace API key>`."""

from ninja.security import HttpBearer

from concierge.workspaces.selectors import active_api_key_by_hash
from concierge.workspaces.services import hash_api_key, mark_api_key_used


class WorkspaceApiKey(HttpBearer):
    """Sets request.workspace to the key's workspace; every route scopes its reads and writes to it."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        key = active_api_key_by_hash(hash_api_key(token))
        if key is None:
            return None
        mark_api_key_used(key)
        request.workspace = key.workspace
        return key
