"""`concierge serve`: a real gunicorn on 127.0.0.1 and $PORT, with the pages and the static files."""

import os
import signal
import socket
import subprocess
import sys
import time
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


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
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
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0
    assert (tmp_path / "serve.sqlite3").exists()
