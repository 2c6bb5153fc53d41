"""Calling the JSON API in-process, as a server with an API key or as the messenger of a contact.

The fixtures are imported by the conftest.py of each app whose API tests use them.
"""

import json as jsonlib
from urllib.parse import urlencode

import pytest
from django.test import Client

from concierge.contacts.auth import user_hash_for

API = "/api/v1"


class ApiClient:
    """A JSON client that sends the same headers (credentials) with every request."""

    def __init__(self, headers: dict[str, str]):
        self.client = Client()
        self.headers = headers

    def request(
        self, method: str, path: str, json=None, *, raw: str | bytes | None = None, headers=None, **params
    ):
        url = path if path.startswith("/api/") else f"{API}{path}"
        all_headers = {**self.headers, **(headers or {})}
        send = getattr(self.client, method.lower())
        if method == "GET":
            return send(url, params, headers=all_headers)
        if params:
            url += "?" + urlencode(params)
        body = raw if raw is not None else ("" if json is None else jsonlib.dumps(json))
        return send(url, body, content_type="application/json", headers=all_headers)

    def get(self, path, **params):
        return self.request("GET", path, **params)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request("PATCH", path, json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def all_pages(self, path, **params) -> list[dict]:
        """Every item of a list, following next_cursor."""
        items, cursor = [], None
        while True:
            response = self.get(path, **params, **({"cursor": cursor} if cursor else {}))
            assert response.status_code == 200, response.content
            page = response.json()
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items


def api_client_for(workspace) -> ApiClient:
    from concierge.workspaces.services import create_api_key

    _, raw_key = create_api_key(workspace, name="tests")
    return ApiClient({"Authorization": f"Bearer {raw_key}"})


def messenger_for_visitor(workspace, visitor_id: str) -> ApiClient:
    return ApiClient({"X-Workspace": workspace.slug, "X-Visitor-Id": visitor_id})


def messenger_for_user(workspace, user_id: str) -> ApiClient:
    return ApiClient(
        {
            "X-Workspace": workspace.slug,
            "X-User-Id": user_id,
            "X-User-Hash": user_hash_for(workspace, user_id),
        }
    )


@pytest.fixture
def api(workspace) -> ApiClient:
    """The API with a key of the `workspace` fixture."""
    return api_client_for(workspace)


@pytest.fixture
def other_api(other_workspace) -> ApiClient:
    """The API with a key of the `other_workspace` fixture."""
    return api_client_for(other_workspace)


@pytest.fixture
def visitor(workspace) -> ApiClient:
    """The messenger of an anonymous visitor of `workspace`."""
    return messenger_for_visitor(workspace, "visitor-1")


@pytest.fixture
def signed_in_customer(workspace, contact) -> ApiClient:
    """The messenger of the `contact` fixture, identified by user id and user_hash."""
    return messenger_for_user(workspace, contact.external_id)
