"""The production web server that `concierge serve` and `concierge demo --serve` run: gunicorn managing
uvicorn worker processes, each serving Concierge's ASGI application (pages, the API and the live event
streams from one port; docs/decisions/asgi-server.md)."""

import gc
import os
import subprocess
import sys

from django.conf import settings
from django.db import connections
from django.urls import get_resolver
from django.utils.module_loading import import_string
from gunicorn.app.base import BaseApplication
from uvicorn_worker import UvicornWorker


def default_worker_count() -> int:
    """WEB_CONCURRENCY when set (gunicorn's convention), else two processes per core plus one."""
    if os.environ.get("WEB_CONCURRENCY"):
        return int(os.environ["WEB_CONCURRENCY"])
    return (os.cpu_count() or 1) * 2 + 1


def port_from_environment() -> int:
    value = os.environ.get("PORT", "8000")
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"PORT must be a number from 1 to 65535, not '{value}'.")
    return int(value)


def follow_the_served_address(host: str, port: int) -> str:
    """The links the site writes (booking, reschedule and cancel links, links in emails) name the
    address it is served at, unless PUBLIC_URL says otherwise. Set before gunicorn forks its web
    processes, and in the environment the background worker inherits. Returns the site's address."""
    if os.environ.get("PUBLIC_URL"):
        return settings.PUBLIC_URL
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"  # an IPv6 address in a URL
    settings.PUBLIC_URL = f"http://{shown}:{port}"
    os.environ["PUBLIC_URL"] = settings.PUBLIC_URL
    return settings.PUBLIC_URL


class ConciergeAsgiServer(BaseApplication):
    """gunicorn configured from Python, its uvicorn workers serving Concierge's ASGI application."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker process builds the application after the fork, with its own database connections.
        os.environ.setdefault("ASGI_THREADS", str(self.options.get("threads") or 4))
        application = import_string(settings.ASGI_APPLICATION)
        freeze_startup_objects()
        return application


def freeze_startup_objects() -> None:
    """Move everything loaded at startup (Django, the URL map with the API's schemas, templates'
    libraries) out of the garbage collector's sight. Otherwise every full collection walks those
    ~100,000 long-lived objects again: measured, that is a pause of ~90 ms every 50 or so requests
    of 50-row lists, which set the p99. Requests' own garbage is collected as before."""
    get_resolver().url_patterns  # noqa: B018  (builds the URL map and the API now, before freezing)
    gc.collect()
    gc.freeze()


class ConciergeUvicornWorker(UvicornWorker):
    """uvicorn's worker for gunicorn, without its lifespan events (Django has none) and without
    uvicorn's own access log (gunicorn's options say what is logged)."""

    CONFIG_KWARGS = {
        **UvicornWorker.CONFIG_KWARGS,
        "lifespan": "off",
        "access_log": False,
        "timeout_graceful_shutdown": 5,
    }


def run_production_server(
    *, host: str, port: int, workers: int, threads: int, with_worker: bool = False, on_ready=None
) -> None:
    """Serve until stopped (Ctrl+C or SIGTERM). With `with_worker`, a `concierge worker` runs beside it."""
    # Connections opened by migrate/seeding must not be shared with the forked worker processes.
    connections.close_all()

    def when_ready(server):
        if on_ready is not None:
            on_ready()

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "concierge.core.management.production_server.ConciergeUvicornWorker",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "concierge",
        "when_ready": when_ready,
    }
    background_worker = _start_background_worker() if with_worker else None
    server_pid = os.getpid()
    try:
        ConciergeAsgiServer(options).run()
    finally:
        # gunicorn's forked web workers unwind through here too when they exit; only the server stops it.
        if background_worker is not None and os.getpid() == server_pid:
            background_worker.terminate()
            background_worker.wait(timeout=15)


def _start_background_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "concierge.cli", "worker"], env=os.environ.copy())
