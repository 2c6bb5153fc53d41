"""`concierge serve`: a real gunicorn on 127.0.0.1 and $PORT, with the pages and the static files."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CONCIERGE = str(Path(sys.executable).with_name("concierge"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def listening_addresses(port: int) -> set[str]:
    """The local addresses listening on `port`, from the kernel's table (/proc/net/tcp*)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _, state = line.split()[1:4]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if width == 8:
                    address = socket.inet_ntoa(bytes.fromhex(address)[::-1])
                found.add(f"{address}:{port}")
    return found


def wait_for(url: str, server: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}: {server.stderr.read()}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url}")


def test_serve_migrates_and_serves_pages_and_static_files_on_loopback_and_port(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CONCIERGE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen([CONCIERGE, "serve"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/login/", server)

        status, _, page = get(f"http://127.0.0.1:{port}/login/")
        assert status == 200 and b"<form" in page
        status, content_type, css = get(f"http://127.0.0.1:{port}/static/concierge/app.css")
        assert status == 200 and content_type.startswith("text/css") and len(css) > 100
        status, _, script = get(f"http://127.0.0.1:{port}/static/concierge/vendor/htmx.min.js")
        assert status == 200 and b"htmx" in script
        assert listening_addresses(port) == {f"127.0.0.1:{port}"}
        # The live streams are served from the same port (ASGI): without a token, a clear 401.
        try:
            get(f"http://127.0.0.1:{port}/live/messenger/stream")
        except urllib.error.HTTPError as refused:
            assert refused.code == 401 and b"token" in refused.read()
        else:
            raise AssertionError("a stream without a token was served")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0
    assert (tmp_path / "serve.sqlite3").exists()


def _public_url_in_a_fresh_process(tmp_path, **environment) -> str:
    """settings.PUBLIC_URL and a booking link as a new `concierge` process builds them."""
    env = {key: value for key, value in os.environ.items() if key not in ("PORT", "PUBLIC_URL")}
    env.update(CONCIERGE_VAR_DIR=str(tmp_path), **environment)
    code = (
        "from django.conf import settings; from concierge.meetings.links import _absolute; "
        "print(settings.PUBLIC_URL, _absolute('/book/abc/'))"
    )
    done = subprocess.run(
        [CONCIERGE, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_links_follow_the_port_unless_public_url_is_set(tmp_path):
    assert _public_url_in_a_fresh_process(tmp_path) == (
        "http://127.0.0.1:8000 http://127.0.0.1:8000/book/abc/"
    )
    assert _public_url_in_a_fresh_process(tmp_path, PORT="8080") == (
        "http://127.0.0.1:8080 http://127.0.0.1:8080/book/abc/"
    )
    assert _public_url_in_a_fresh_process(
        tmp_path, PORT="8080", PUBLIC_URL="https://support.example.com/"
    ) == ("https://support.example.com https://support.example.com/book/abc/")


def test_serving_on_a_chosen_port_or_host_writes_links_to_it(monkeypatch, settings):
    from concierge.core.management.production_server import follow_the_served_address

    monkeypatch.setenv("PUBLIC_URL", "")  # restored (unset) after the test
    monkeypatch.delenv("PUBLIC_URL")
    assert follow_the_served_address("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert settings.PUBLIC_URL == "http://127.0.0.1:8080"
    assert os.environ["PUBLIC_URL"] == "http://127.0.0.1:8080"  # the background worker inherits it
    monkeypatch.delenv("PUBLIC_URL")
    assert follow_the_served_address("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    monkeypatch.delenv("PUBLIC_URL")
    assert follow_the_served_address("::1", 9000) == "http://[::1]:9000"

    monkeypatch.setenv("PUBLIC_URL", "https://support.example.com")
    settings.PUBLIC_URL = "https://support.example.com"
    assert follow_the_served_address("127.0.0.1", 8080) == "https://support.example.com"
    assert settings.PUBLIC_URL == "https://support.example.com"
