"""Concierge's ASGI application, what `concierge serve` runs (docs/decisions/asgi-server.md).

The live event streams are async views: they go through Django's ASGI handler and wait on the event
loop, thousands at once. Every other request (pages, the API, static files) is a sync view: it goes
through Django's WSGI handler on a pool of threads, as it did under a threaded WSGI server, so it
pays one hop to a thread instead of Django's per-middleware hops to a new thread per request, and
keeps its thread's database connection from one request to the next.
"""

import os
from functools import lru_cache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402  (after the settings module is named)
from asgiref.sync import iscoroutinefunction  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import Resolver404, get_resolver  # noqa: E402

DEFAULT_THREADS = 4


@lru_cache(maxsize=4096)
def is_async_view(path: str) -> bool:
    """Whether the view at `path` is an async view (a live event stream)."""
    try:
        match = get_resolver().resolve(path)
    except Resolver404:
        return False
    return iscoroutinefunction(match.func)


class StreamsOnTheLoopPagesInThreads:
    """Async views through Django's ASGI handler; everything else through its WSGI handler in threads."""

    def __init__(self, threads: int):
        self.streams = get_asgi_application()
        self.pages = WSGIMiddleware(get_wsgi_application(), workers=threads)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not is_async_view(_path_info(scope)):
            return await self.pages(scope, receive, send)
        return await self.streams(scope, receive, send)


def _path_info(scope) -> str:
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _threads() -> int:
    value = os.environ.get("ASGI_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_THREADS


application = StreamsOnTheLoopPagesInThreads(_threads())
