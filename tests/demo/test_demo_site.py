"""The demo's product site: a page on its own port with the messenger embedded through the install
snippet, signed in as a seeded customer with a user_hash that Concierge accepts, or as an anonymous
visitor; the workspace allows the site's origin; the site stops with the demo."""

import json
import re
import urllib.error
import urllib.request

import pytest

from concierge.contacts.auth import user_hash_for
from concierge.demo.management.commands.demo import Command
from concierge.demo.seed import DEMO_SITE_ORIGINS, seed_demo_workspace
from concierge.demo.site import DEMO_SITE_USER_ID, demo_site_port, site_origin
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.selectors import origin_allowed
from tests.api_client import ApiClient


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _boot_of(page: str) -> dict:
    return json.loads(re.search(r"Concierge\('boot', (\{.*?\})\);", page).group(1))


def test_the_site_serves_the_page_with_the_snippet_and_a_valid_hash(db, settings):
    workspace = seed_demo_workspace(contacts=3, conversations=0, sessions=0).workspace
    assert set(DEMO_SITE_ORIGINS) <= set(workspace.messenger_allowed_origins)
    site = Command.start_site("127.0.0.1", 0, "http://127.0.0.1:8123/")
    try:
        origin = site_origin("127.0.0.1", site.port)
        workspace.refresh_from_db()
        assert origin_allowed(workspace, origin)
        assert AuditEntry.objects.filter(
            action="workspace.messenger_updated", actor_label="command demo"
        ).exists()

        status, page = _get(origin + "/")
        assert status == 200
        assert (
            '<script src="http://127.0.0.1:8123/messenger.js" data-workspace="acme" async></script>' in page
        )
        assert (
            "window.Concierge = window.Concierge || function(){(Concierge.q = Concierge.q || []).push(arguments)};"
            in page
        )
        boot = _boot_of(page)
        assert boot["user_id"] == DEMO_SITE_USER_ID
        assert boot["user_hash"] == user_hash_for(workspace, DEMO_SITE_USER_ID)
        assert "Acme Analytics" in page and "?visitor" in page

        # The hash the page carries opens the messenger API, from the site's origin.
        messenger = ApiClient(
            {"X-Workspace": "acme", "X-User-Id": boot["user_id"], "X-User-Hash": boot["user_hash"]}
        )
        me = messenger.get("/messenger/me", headers={"Origin": origin})
        assert me.status_code == 200 and me.json()["email"] == boot["email"]

        status, visitor_page = _get(origin + "/?visitor")
        assert status == 200 and _boot_of(visitor_page) == {}
        assert _get(origin + "/elsewhere")[0] == 404
    finally:
        site.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{site.port}/", timeout=2)


def test_the_site_port_is_demo_site_port_or_the_next_one(monkeypatch):
    monkeypatch.delenv("DEMO_SITE_PORT", raising=False)
    assert demo_site_port(8000) == 8001
    monkeypatch.setenv("DEMO_SITE_PORT", "9100")
    assert demo_site_port(8000) == 9100
    for bad in ("abc", "²", "0", "70000", "8000"):
        monkeypatch.setenv("DEMO_SITE_PORT", bad)
        with pytest.raises(ValueError, match="DEMO_SITE_PORT"):
            demo_site_port(8000)
