"""The JSON API root. Mounted at /api/; each app adds its router under /v1/. Docs at /api/docs."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from concierge.core.database_busy import BUSY_MESSAGE, log_busy_answer, retry_after_seconds
from concierge.core.db import is_database_busy
from concierge.core.errors import ServiceError
from concierge.workspaces.auth import WorkspaceApiKey

api = NinjaAPI(
    title="Concierge API",
    version="1",
    description="Concierge's REST API. Server-to-server calls authenticate with a workspace API key "
    "(`Authorization: Bearer ck_…`); the messenger API identifies a contact instead.",
    auth=WorkspaceApiKey(),
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI's own copy, served by Concierge ("ninja" in INSTALLED_APPS); nothing is loaded from
    # elsewhere, not even the schema validator's badge.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _describe_validation_errors(errors: list[dict]) -> str:
    described = []
    for error in errors:
        location = list(error.get("loc", ()))
        # ("body", "<parameter>", "field", …) or ("query", "field"): keep what the client named.
        if location[:1] == ["body"] and len(location) > 2:
            location = location[2:]
        elif location[:1] and location[0] in ("body", "query", "path", "header"):
            location = location[1:]
        location = ".".join(str(part) for part in location)
        described.append(f"{location or 'request'}: {error.get('msg', 'is invalid')}")
    return "; ".join(described) or "The request is invalid."


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    # Some errors carry more for the client to act on (e.g. the question a night-time booking asks).
    body.update(getattr(exc, "extra", None) or {})
    response = api.create_response(request, body, status=exc.status_code)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": _describe_validation_errors(exc.errors), "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request,
        {"detail": "Missing or invalid credentials: send 'Authorization: Bearer <API key>'."},
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request, {"detail": f"The request body is larger than the limit of {limit} bytes."}, status=413
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(OperationalError)
def database_busy(request, exc: OperationalError):
    """503 with Retry-After when another writer held the database too long (core.database_busy).
    Without it django-ninja would pass the error on to the pages' middleware (an HTML answer), or
    with DEBUG answer a traceback."""
    if not is_database_busy(exc):
        raise exc
    log_busy_answer(request)
    response = api.create_response(request, {"detail": BUSY_MESSAGE}, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    return response


def register_routers() -> None:
    """Each app's router, added once. An app that grows an API adds one line here."""
    from concierge.bot.api import messenger_router as bot_messenger_router
    from concierge.bot.api import router as bot_router
    from concierge.contacts.api import router as contacts_router
    from concierge.conversations.api import messenger_router, tags_router
    from concierge.conversations.api import router as conversations_router
    from concierge.events.api import router as events_router
    from concierge.helpcenter.api import collections_router as help_collections_router
    from concierge.helpcenter.api import router as articles_router
    from concierge.live.api import messenger_router as live_messenger_router
    from concierge.mail.api import router as mail_router
    from concierge.meetings.api import links_router as meeting_links_router
    from concierge.meetings.api import messenger_router as meetings_messenger_router
    from concierge.meetings.api import router as meetings_router
    from concierge.messenger.api import router as messenger_app_router
    from concierge.outbound.api import router as outbound_router
    from concierge.replies.api import router as saved_replies_router
    from concierge.reports.api import router as reports_router
    from concierge.workspaces.api import router as workspaces_router

    api.add_router("/v1/", workspaces_router)
    api.add_router("/v1/", contacts_router)
    api.add_router("/v1/", conversations_router)
    api.add_router("/v1/", tags_router)
    api.add_router("/v1/messenger/", messenger_router)
    api.add_router("/v1/", meetings_router)
    api.add_router("/v1/", meeting_links_router)
    api.add_router("/v1/messenger/", meetings_messenger_router)
    api.add_router("/v1/", bot_router)
    api.add_router("/v1/messenger/", bot_messenger_router)
    api.add_router("/v1/messenger/", messenger_app_router)
    api.add_router("/v1/messenger/", live_messenger_router)
    api.add_router("/v1/", events_router)
    api.add_router("/v1/", articles_router)
    api.add_router("/v1/", help_collections_router)
    api.add_router("/v1/", reports_router)
    api.add_router("/v1/", mail_router)
    api.add_router("/v1/", saved_replies_router)
    api.add_router("/v1/", outbound_router)


register_routers()
