"""What `concierge serve` runs (concierge/asgi.py): the event streams as async views on the event loop,
every other request through Django's WSGI handler on a pool of threads, over a real socket."""

import http.client
import json

from django.urls import reverse

from concierge.asgi import is_async_view
from concierge.conversations.selectors import conversation_by_id
from tests.api_client import api_client_for
from tests.live.conftest import EventStream, session_cookie


def request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_only_the_event_streams_are_async_views(workspace):
    assert is_async_view(reverse("web:live-stream", args=[workspace.slug]))
    assert is_async_view(reverse("live:messenger-stream"))
    assert not is_async_view(reverse("web:inbox", args=[workspace.slug]))
    assert not is_async_view("/api/v1/conversations")
    assert not is_async_view("/no/such/page/")


def test_a_page_is_served_with_its_headers_and_an_unknown_one_is_a_404(asgi_server, workspace, agent):
    status, headers, body = request(
        asgi_server, "GET", reverse("web:inbox", args=[workspace.slug]), headers=session_cookie(agent.user)
    )
    assert status == 200
    assert b"</html>" in body and "content-security-policy" in {name.lower() for name in headers}

    status, _, _ = request(asgi_server, "GET", "/no/such/page/")
    assert status == 404


def test_a_posted_body_reaches_the_view_whole(asgi_server, workspace, contact):
    api = api_client_for(workspace)
    text = "The export stops at row 10,000. " * 600  # ~19 KB, under the 20,000 characters allowed
    payload = json.dumps({"contact_id": contact.pk, "body": text}).encode()
    status, _, body = request(
        asgi_server,
        "POST",
        "/api/v1/conversations",
        body=payload,
        headers={**api.headers, "Content-Type": "application/json"},
    )
    assert status == 201, body
    created = conversation_by_id(workspace, json.loads(body)["id"])
    assert created.parts.get().body.count("row 10,000") == 600


def test_a_refused_body_is_answered_4xx_and_writes_nothing(asgi_server, workspace, contact):
    api = api_client_for(workspace)
    status, _, body = request(
        asgi_server,
        "POST",
        "/api/v1/conversations",
        body=b'{"contact_id": 1, "body": ',
        headers={**api.headers, "Content-Type": "application/json"},
    )
    assert 400 <= status < 500, body
    assert not workspace.conversations.exists()


def test_pages_are_answered_while_a_stream_stays_open(asgi_server, workspace, agent):
    cookie = session_cookie(agent.user)
    stream = EventStream(asgi_server.port, reverse("web:live-stream", args=[workspace.slug]), cookie)
    try:
        assert stream.status == 200
        for _ in range(3):
            status, _, _ = request(
                asgi_server, "GET", reverse("web:inbox", args=[workspace.slug]), headers=cookie
            )
            assert status == 200
    finally:
        stream.close()
