"""The loader and the frame as a browser fetches them: headers, the origin check, the languages."""

import gzip
from pathlib import Path

import pytest
from django.test import Client

from concierge.messenger import views
from concierge.workspaces.services import Actor
from concierge.workspaces.services.messenger import update_messenger_settings

STATIC = Path(views.__file__).parent / "static" / "messenger"
LOADER_BUDGET = 5 * 1024
APP_BUDGET = 60 * 1024


LIVE_CLIENT = STATIC.parents[2] / "live" / "static" / "live" / "stream.js"


def gzipped_size(*paths: Path) -> int:
    return sum(len(gzip.compress(path.read_bytes(), 9)) for path in paths)


def test_the_loader_and_the_app_stay_within_their_budgets():
    assert gzipped_size(STATIC / "loader.js") <= LOADER_BUDGET
    # The app: its script and style, and the live client it loads.
    assert gzipped_size(STATIC / "frame.js", STATIC / "frame.css", LIVE_CLIENT) <= APP_BUDGET


def test_any_site_may_load_the_loader(db):
    answer = Client().get("/messenger.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"data-workspace" in answer.content
    assert Client().post("/messenger.js").status_code == 405


def test_the_frame_may_be_framed_by_the_site_that_asked_for_it_only(workspace):
    answer = Client().get("/messenger/acme/frame/", {"origin": "https://shop.example.com", "lang": "en"})
    assert answer.status_code == 200
    policy = answer["Content-Security-Policy"]
    assert (
        "frame-ancestors https://shop.example.com" in policy
        and "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    )
    assert "X-Frame-Options" not in answer
    assert "script-src 'self'" in policy  # no inline script: the config travels as JSON data
    assert b'"origin": "https://shop.example.com"' in answer.content


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"origin": "javascript:alert(1)"}, 400),
        ({"origin": "https://shop.example.com/path"}, 400),
        ({"origin": "https://a.test:99999"}, 400),
        ({"origin": '"><script>alert(1)</script>'}, 400),
        ({"origin": "https://shop.example.com", "lang": "<script>"}, 200),
    ],
)
def test_a_frame_asked_for_badly_is_refused_clearly(workspace, params, status):
    answer = Client().get("/messenger/acme/frame/", params)
    assert answer.status_code == status
    assert b"<script>alert" not in answer.content


def test_an_unknown_workspace_has_no_messenger(db):
    answer = Client().get("/messenger/nowhere/frame/", {"origin": "https://shop.example.com"})
    assert answer.status_code == 404 and b"no messenger at this address" in answer.content


def test_a_site_outside_the_allowed_origins_is_refused(workspace, owner):
    update_messenger_settings(
        workspace, allowed_origins=["https://APP.acme.com:443"], actor=Actor.for_teammate(owner)
    )
    allowed = Client().get("/messenger/acme/frame/", {"origin": "https://app.acme.com"})
    assert allowed.status_code == 200
    refused = Client().get("/messenger/acme/frame/", {"origin": "https://evil.example"})
    assert refused.status_code == 403 and b"not allowed to show this messenger" in refused.content
    assert "frame-ancestors 'none'" in refused["Content-Security-Policy"]


def test_the_frame_carries_the_teams_greeting_and_colour(workspace, owner):
    update_messenger_settings(
        workspace, greeting="Hola from the Acme team", color="#aa3300", actor=Actor.for_teammate(owner)
    )
    answer = Client().get("/messenger/acme/frame/", {"origin": "https://shop.example.com"})
    assert b"Hola from the Acme team" in answer.content and b"#aa3300" in answer.content


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", "Solemos responder en pocos minutos"),
        ("de-AT", "Hilfe suchen"),
        ("fr-CA", "Envoyez-nous un message"),
    ],
)
def test_the_frame_speaks_the_customers_language(workspace, lang, words):
    answer = Client().get("/messenger/acme/frame/", {"origin": "https://shop.example.com", "lang": lang})
    assert words.encode() in answer.content
    assert f'lang="{lang[:2]}"'.encode() in answer.content


def test_origins_are_compared_as_browsers_send_them():
    assert views.normalised_origin("HTTPS://Shop.Example.com:443") == "https://shop.example.com"
    assert views.normalised_origin("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert views.normalised_origin("https://shop.example.com/") is None
    assert views.normalised_origin("null") is None
