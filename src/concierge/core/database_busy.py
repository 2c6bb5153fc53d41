"""A write that finds the database busy is answered 503 with Retry-After, never a 500.

On SQLite one writer at a time holds the database; a large `events import` holds it for its whole
run (one transaction, docs/decisions/busy-sqlite-answers-503.md). A request that must write waits
settings.WEB_WRITE_WAIT_SECONDS for it, then SQLite says "database is locked". On PostgreSQL writers
wait only for the rows they change; a request that waits as long for rows an import holds (the
contacts it names) gives up the same way (lock_timeout). The change has not
happened (its transaction rolled back as the error left it), so the answer says so and when to try
again: a short page here (the middleware), `{"detail": ...}` in the API (its handler in
concierge/api.py). Any other database error stays what it is.
"""

import logging
import math
import sys

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape
from django.views import defaults

from concierge.core.db import is_database_busy

logger = logging.getLogger("concierge.database_busy")

BUSY_MESSAGE = (
    "Concierge is busy with a large write (an import, say), so nothing was changed. "
    "Try again in a few seconds."
)


def retry_after_seconds() -> int:
    """What Retry-After says: as long again as the request waited."""
    return max(1, math.ceil(settings.WEB_WRITE_WAIT_SECONDS))


def log_busy_answer(request) -> None:
    logger.warning("The database was busy: answered %s %s with 503", request.method, request.path)


def busy_page(request) -> HttpResponse:
    log_busy_answer(request)
    response = HttpResponse(
        "<!doctype html><meta charset='utf-8'><title>Busy, try again</title>"
        f"<h1>Busy, try again in a few seconds</h1><p>{escape(BUSY_MESSAGE)}</p>"
        "<p>Go back and send it again in a moment.</p>",
        status=503,
    )
    response["Retry-After"] = str(retry_after_seconds())
    return response


class AnswerBusyDatabaseMiddleware:
    """A view that met a busy database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return busy_page(request) if is_database_busy(exception) else None


def server_error(request) -> HttpResponse:
    """The 500 handler (urls.handler500): what meets a busy database outside a view, such as saving
    the session on the way out, is a 503 too. Django calls it while handling the error."""
    error = sys.exc_info()[1]
    if error is not None and is_database_busy(error):
        return busy_page(request)
    return defaults.server_error(request)
