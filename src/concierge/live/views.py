"""The live endpoints for pages: the event streams (server-sent events, async views) and the plain
POSTs back (typing, viewing, a notification seen).

Streams:
- GET /w/<slug>/live/stream: a signed-in teammate's, audiences "team" and "teammate:<own id>".
- GET /live/messenger/stream?token=...: a customer's, audience "contact:<id>", the token from
  POST /api/v1/messenger/stream-token (an EventSource cannot send the messenger's headers).
Both resume after the event named by the Last-Event-ID header (or ?last_event_id= on a first connect):
what the table still holds after it is sent first, then the live events, none twice.
"""

import asyncio

from asgiref.sync import sync_to_async
from django.core import signing
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from concierge.conversations.selectors import conversation_by_id
from concierge.core.errors import NotFound, ServiceError
from concierge.live import selectors, services
from concierge.live.hub import Stream, event_frame, hub
from concierge.workspaces.access import teammate_page
from concierge.workspaces.selectors import teammate_of_user, workspace_by_slug

KEEP_ALIVE_EVERY = 15.0  # seconds between comments on a quiet stream (proxies close idle ones)
RETRY_MS = 2000  # the browser's first wait before reconnecting
REPLAY_PAGE = 1000
TOKEN_SALT = "concierge.live.messenger-stream"
TOKEN_MAX_AGE = 3600


def messenger_stream_token(workspace_id: int, contact_id: int) -> str:
    return signing.dumps({"w": workspace_id, "c": contact_id}, salt=TOKEN_SALT, compress=False)


def read_messenger_stream_token(token: str) -> tuple[int, int]:
    """(workspace id, contact id); raises signing.BadSignature (SignatureExpired too)."""
    data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    if not (isinstance(data, dict) and type(data.get("w")) is int and type(data.get("c")) is int):
        raise signing.BadSignature("malformed")
    return data["w"], data["c"]


def _last_event_id(request) -> int | None | HttpResponse:
    value = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        return _refusal(400, "Last-Event-ID must be the id of an event (a whole number).")
    return int(value)


def _refusal(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _missed(workspace_id: int, audiences: list[str], after: int) -> list[tuple[int, bytes]]:
    from django.db import connection

    try:
        frames = []
        while True:
            changes = selectors.changes_after(workspace_id, audiences, after, limit=REPLAY_PAGE)
            frames.extend((c.id, event_frame(c.id, c.kind, c.payload)) for c in changes)
            if len(changes) < REPLAY_PAGE:
                return frames
            after = changes[-1].id
    finally:
        connection.close()


async def _events(stream: Stream, last_event_id: int | None):
    workspace_id, audiences = stream.workspace_id, stream.audiences
    try:
        yield b"retry: %d\n: connected\n\n" % RETRY_MS
        replayed: set[int] = set()
        if last_event_id is not None:
            missed = await sync_to_async(_missed, thread_sensitive=False)(
                workspace_id, list(audiences), last_event_id
            )
            for change_id, frame in missed:
                replayed.add(change_id)
                yield frame
        while True:
            try:
                change_id, frame = await asyncio.wait_for(stream.queue.get(), KEEP_ALIVE_EVERY)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if frame is None:
                return  # the stream fell too far behind (or the server stops): the client resumes
            if change_id in replayed or (last_event_id is not None and change_id <= last_event_id):
                continue
            yield frame
    finally:
        hub.close(stream)


def _event_stream_response(request, workspace_id: int, audiences: tuple[str, ...], last_event_id: int | None):
    if not isinstance(request, ASGIRequest):
        # A WSGI server (a development or test server) would hold a thread for ever and never send a
        # byte: no stream there. 204 tells an EventSource not to come back at once (stream.js backs off).
        return HttpResponse(status=204, headers={"X-Concierge-Live": "streams need the ASGI server"})
    # Registered before the answer starts: once the client sees the stream open, no change is missed,
    # and nothing falls between the replay and what comes live.
    stream = hub.open(workspace_id, audiences)
    response = StreamingHttpResponse(
        _events(stream, last_event_id), content_type="text/event-stream; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _teammate_for(slug: str, user):
    try:
        workspace = workspace_by_slug(slug)
    except NotFound:
        return None
    return teammate_of_user(workspace, user)


@require_GET
async def team_stream(request, slug: str):
    """A signed-in teammate's stream: everything the team hears, and what is for them alone."""
    user = await request.auser()
    if not user.is_authenticated:
        return _refusal(401, "Sign in to follow the workspace's live events.")
    teammate = await sync_to_async(_teammate_for)(slug, user)
    if teammate is None:
        return _refusal(404, "No such workspace.")
    last_event_id = _last_event_id(request)
    if isinstance(last_event_id, HttpResponse):
        return last_event_id
    audiences = (services.TEAM, services.teammate_audience(teammate.pk))
    return _event_stream_response(request, teammate.workspace_id, audiences, last_event_id)


@require_GET
async def messenger_stream(request):
    """A customer's stream: their messages and whether their conversations are open (docs/live.md)."""
    token = request.GET.get("token")
    if not token:
        return _refusal(401, "Send the token from POST /api/v1/messenger/stream-token as ?token=.")
    try:
        workspace_id, contact_id = read_messenger_stream_token(token)
    except signing.SignatureExpired:
        return _refusal(403, "This stream token has expired: ask for a new one.")
    except signing.BadSignature:
        return _refusal(403, "This stream token is not valid.")
    last_event_id = _last_event_id(request)
    if isinstance(last_event_id, HttpResponse):
        return last_event_id
    return _event_stream_response(
        request, workspace_id, (services.contact_audience(contact_id),), last_event_id
    )


def _conversation_id(request) -> int | None:
    value = request.POST.get("conversation_id", "")
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        return None
    return int(value)


def _conversation_or_refusal(request):
    conversation_id = _conversation_id(request)
    if conversation_id is None:
        return None, _refusal(422, "conversation_id must be the id of a conversation (a whole number).")
    try:
        return conversation_by_id(request.workspace, conversation_id), None
    except NotFound as exc:
        return None, _refusal(404, exc.message)


@require_POST
@teammate_page
def typing(request):
    """The teammate is typing a reply in a conversation (at most once every 2 s)."""
    conversation, refusal = _conversation_or_refusal(request)
    if refusal:
        return refusal
    try:
        services.announce_typing(
            conversation.workspace_id,
            conversation.pk,
            who="teammate",
            sender_id=request.teammate.pk,
            name=request.teammate.name,
            contact_id=conversation.contact_id,
        )
    except ServiceError as exc:
        response = _refusal(exc.status_code, exc.message)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return HttpResponse(status=204)


@require_POST
@teammate_page
def viewing(request):
    """The teammate has the conversation open (every ~20 s): who else is viewing it."""
    conversation, refusal = _conversation_or_refusal(request)
    if refusal:
        return refusal
    viewers = services.note_viewing(request.teammate, conversation.pk)
    return JsonResponse({"conversation_id": conversation.pk, "teammates": viewers})


@require_POST
@teammate_page
def notification_seen(request, notification_id: int):
    """The page showed the notification while the teammate looked: no email follows."""
    try:
        services.mark_notification_seen(request.teammate, notification_id)
    except NotFound as exc:
        return _refusal(404, exc.message)
    return HttpResponse(status=204)


@require_POST
@teammate_page
def notification_preferences(request):
    """The account page's notification choices: a checked box is on, a missing one off."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from concierge.live.models import Notification
    from concierge.workspaces.services import Actor

    chosen = {}
    for kind in Notification.Kind.values:
        chosen[kind] = {}
        for way in services.WAYS:
            value = request.POST.get(f"{kind}.{way}")
            if value not in (None, "on"):
                return _refusal(422, f"{kind}.{way} is a checkbox: 'on' or left out.")
            chosen[kind][way] = value == "on"
    try:
        services.set_notification_preferences(
            request.teammate, chosen, actor=Actor.for_teammate(request.teammate)
        )
    except ServiceError as exc:
        return _refusal(exc.status_code, exc.message)
    messages.success(request, "Your notification choices are saved.")
    return redirect(f"{reverse('web:account', args=[request.workspace.slug])}#notifications")
