"""The messenger API obeys the workspace's messenger settings: a page of a site the workspace does
not allow is refused (403, saying what to do), and with "verified users only" an anonymous visitor is
refused while a verified user is served; a user id never passes without its hash."""

import pytest

from concierge.workspaces.services import update_messenger_settings
from tests.api_client import ApiClient, messenger_for_user, messenger_for_visitor

M = "/messenger"


def test_any_origin_is_served_while_the_workspace_names_none(workspace):
    visitor = messenger_for_visitor(workspace, "v-1")
    assert visitor.get(f"{M}/me", headers={"Origin": "https://anywhere.example"}).status_code == 200


@pytest.mark.parametrize("origin", ["https://app.acme.com", "HTTPS://APP.ACME.COM:443", None])
def test_an_allowed_origin_or_none_at_all_is_served(workspace, origin):
    update_messenger_settings(workspace, allowed_origins=["https://app.acme.com"])
    visitor = messenger_for_visitor(workspace, "v-1")
    headers = {"Origin": origin} if origin else {}
    assert visitor.get(f"{M}/me", headers=headers).status_code == 200


@pytest.mark.parametrize("origin", ["https://evil.example", "http://app.acme.com", "null", "garbage"])
def test_a_page_of_another_site_is_refused_with_what_to_do(workspace, contact, origin):
    update_messenger_settings(workspace, allowed_origins=["https://app.acme.com"])
    for client in (
        messenger_for_visitor(workspace, "v-1"),
        messenger_for_user(workspace, contact.external_id),
    ):
        refused = client.post(f"{M}/conversations", {"body": "hi"}, headers={"Origin": origin})
        assert refused.status_code == 403
        assert "not allowed" in refused.json()["detail"] and "allowed origins" in refused.json()["detail"]
    assert not contact.conversations.exists()


def test_concierges_own_pages_are_always_allowed(workspace):
    """The messenger's frame is served by Concierge itself: its requests name Concierge's origin."""
    update_messenger_settings(workspace, allowed_origins=["https://app.acme.com"])
    visitor = messenger_for_visitor(workspace, "v-1")
    assert visitor.get(f"{M}/me", headers={"Origin": "http://testserver"}).status_code == 200


def test_verified_users_only_refuses_visitors_and_serves_verified_users(workspace, contact):
    update_messenger_settings(workspace, require_verified_identity=True)
    refused = messenger_for_visitor(workspace, "v-1").get(f"{M}/me")
    assert refused.status_code == 403 and "verified users only" in refused.json()["detail"]
    assert messenger_for_user(workspace, contact.external_id).get(f"{M}/me").status_code == 200
    forged = ApiClient({"X-Workspace": "acme", "X-User-Id": contact.external_id, "X-User-Hash": "0" * 64})
    assert forged.get(f"{M}/me").status_code == 401
    no_hash = ApiClient({"X-Workspace": "acme", "X-User-Id": contact.external_id})
    assert no_hash.get(f"{M}/me").status_code == 401


def test_without_the_switch_a_user_id_still_needs_its_hash(workspace, contact):
    assert workspace.messenger_require_verified_identity is False
    no_hash = ApiClient({"X-Workspace": "acme", "X-User-Id": contact.external_id})
    assert no_hash.get(f"{M}/me").status_code == 401
    assert messenger_for_visitor(workspace, "v-1").get(f"{M}/me").status_code == 200
