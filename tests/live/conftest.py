"""A real ASGI server (uvicorn, in a thread of the test process, against the test database) and a
small server-sent events reader. Streams are read over a real socket, as a browser reads them."""

import http.client
import json
import socket
import threading
import time

import pytest
import uvicorn
from django.test import Client

from concierge.live.hub import hub


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AsgiServer:
    def __init__(self):
        from concierge.asgi import application

        self.port = free_port()
        config = uvicorn.Config(
            application,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the ASGI server did not start")
            time.sleep(0.02)

    def stop(self):
        hub.stop()
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def asgi_server(transactional_db):
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


class EventStream:
    """One open event stream: `next()` returns the next event as (id, kind, data), skipping comments."""

    def __init__(self, port: int, path: str, headers: dict | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.retry = None

    def next(self, timeout: float = 20.0):  # a wait, generous for a loaded machine: not a speed check
        """Keep-alive comments do not count as an event: the wait is for the whole event."""
        deadline = time.monotonic() + timeout
        fields: dict[str, str] = {}
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no event within {timeout} s")
            self.connection.sock.settimeout(left)
            line = self.response.fp.readline()
            if not line:
                raise EOFError("the stream ended")
            line = line.decode().rstrip("\n")
            if line == "":
                if "data" in fields or "event" in fields:
                    return (
                        int(fields.get("id", 0)),
                        fields.get("event", "message"),
                        json.loads(fields["data"]),
                    )
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "retry":
                self.retry = int(value)
            else:
                fields[name] = value

    def nothing_within(self, seconds: float) -> bool:
        try:
            event = self.next(timeout=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"an event came: {event}")

    def body(self) -> dict:
        return json.loads(self.response.read() or b"{}")

    def close(self):
        self.connection.close()


@pytest.fixture
def open_stream(asgi_server):
    opened = []

    def open_(path: str, headers: dict | None = None) -> EventStream:
        stream = EventStream(asgi_server.port, path, headers)
        opened.append(stream)
        return stream

    yield open_
    for stream in opened:
        stream.close()


def session_cookie(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
