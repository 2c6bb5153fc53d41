"""The messenger's two addresses on Concierge's own host: the loader a customer's site includes
(/messenger.js) and the messenger itself, drawn in an iframe (/messenger/<workspace>/frame/).

The frame may be framed only by the site that asked for it (the `origin` the loader passes, checked
against the workspace's allowed origins: empty allows any), and it talks only to that origin."""

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from concierge.core.errors import NotFound
from concierge.core.security_headers import widen_content_security_policy
from concierge.core.zones import customer_language
from concierge.messenger import selectors
from concierge.workspaces.access import teammate_page
from concierge.workspaces.models import DEFAULT_MESSENGER_GREETING
from concierge.workspaces.selectors import origin_allowed, workspace_by_slug

LOADER = Path(__file__).parent / "static" / "messenger" / "loader.js"
# The languages the messenger speaks (messenger/locale); another falls back to English.
LANGUAGES = ("en", "es", "de", "fr")
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]{1,250}$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _loader_source() -> bytes:
    return LOADER.read_bytes()


@require_GET
def loader(request):
    """The loader, served from the site root so the snippet's address never changes. Any site may load
    it as a script (Cross-Origin-Resource-Policy: cross-origin); it is cached for five minutes."""
    response = HttpResponse(_loader_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def normalised_origin(value: str) -> str | None:
    """scheme://host[:port] in lower case without a default port; None when it is not an origin."""
    value = (value or "").strip()
    if not ORIGIN.match(value):
        return None
    parts = urlsplit(value)
    if parts.path or parts.query or parts.fragment or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _refusal(request, status: int, message: str, language: str):
    with translation.override(language):
        response = render(request, "messenger/refused.html", {"message": message}, status=status)
    return response


def strings() -> dict[str, str]:
    """Everything the messenger's script says, in the active language."""
    return {
        "title": _("Messenger"),
        "close": _("Close the messenger"),
        "home": _("Home"),
        "messages": _("Messages"),
        "help": _("Help"),
        "greeting": _("Hi there 👋"),
        "greeting_named": _("Hi %(name)s 👋"),
        "ask_us": _("Ask us anything, or share your feedback."),
        "reply_soon": _("We usually reply in a few minutes"),
        "back_today": _("Back today at %(time)s, your time"),
        "back_tomorrow": _("Back tomorrow at %(time)s, your time"),
        "back_on": _("Back on %(day)s at %(time)s, your time"),
        "back_later": _("We will reply as soon as we can"),
        "send_message": _("Send us a message"),
        "new_conversation": _("New conversation"),
        "latest": _("Your latest conversation"),
        "no_conversations": _("No conversations yet."),
        "search_help": _("Search for help"),
        "search": _("Search"),
        "no_articles": _("No articles found."),
        "popular": _("Popular articles"),
        "book_session": _("Book a session"),
        "book_minutes": _("%(name)s, %(minutes)s minutes"),
        "write": _("Write a message…"),
        "send": _("Send"),
        "attach": _("Attach a file"),
        "you": _("You"),
        "team": _("The team"),
        "bot": _("Automated answer"),
        "helped": _("That helped 👍"),
        "talk_to_person": _("Talk to a person 👤"),
        "typing": _("%(name)s is typing…"),
        "someone": _("Someone"),
        "closed": _("This conversation is closed."),
        "rate": _("How did we do?"),
        "rate_star": _("%(n)s out of 5"),
        "remark": _("Anything to add? (optional)"),
        "thanks_rating": _("Thank you for your rating."),
        "email_ask": _("Get notified by email when we reply:"),
        "email_placeholder": _("you@example.com"),
        "email_save": _("Notify me"),
        "email_saved": _("We will email you at %(email)s."),
        "back": _("Back"),
        "loading": _("Loading…"),
        "error": _("Something went wrong. Please try again."),
        "new_reply": _("New message from %(name)s"),
        "open": _("Open"),
        "seen": _("Seen"),
        "file_too_big": _("This file is too large."),
        "unread": _("%(n)s unread"),
        "from_team": _("From the team"),
        "dismiss": _("Dismiss"),
        "next": _("Next"),
        "done": _("Done"),
        "react": _("React to this message"),
        "react_with": _("React with %(emoji)s"),
        "open_conversation": _("Open the conversation"),
    }


@require_GET
def frame(request, workspace_slug: str):
    """The messenger in its iframe. `origin` (the host page's, from the loader) must be an allowed
    one; `lang` picks among the messenger's languages (else the browser's, else English)."""
    wanted = request.GET.get("lang", "")[:35].replace(",", "").replace(";", "")
    language = customer_language(None, f"{wanted},{request.headers.get('Accept-Language', '')}")
    language = language if language in LANGUAGES else "en"
    try:
        workspace = workspace_by_slug(workspace_slug)
    except NotFound:
        return _refusal(request, 404, _("There is no messenger at this address."), language)
    origin = normalised_origin(request.GET.get("origin", ""))
    if origin is None:
        return _refusal(
            request,
            400,
            _("The messenger must be opened by its loader, which names the site it is on."),
            language,
        )
    if not origin_allowed(workspace, origin):
        return _refusal(request, 403, _("This site is not allowed to show this messenger."), language)
    with translation.override(language):
        config = {
            "workspace": workspace.slug,
            "origin": origin,
            "lang": language,
            "api": "/api/v1/messenger",
            "strings": strings(),
            # The team's own greeting (in its words, not translated) once it has written one.
            "greeting": None
            if workspace.messenger_greeting == DEFAULT_MESSENGER_GREETING
            else workspace.messenger_greeting,
            "color": workspace.messenger_color,
        }
        response = render(
            request,
            "messenger/frame.html",
            {"config": config, "language": language, "workspace": workspace},
        )
    response["Cache-Control"] = "no-store"
    return widen_content_security_policy(response, frame_ancestors=[origin], img_src=["blob:"])


@teammate_page
@require_GET
def teammate_file(request, attachment_id: int):
    """A file a customer sent in the messenger, for the workspace's teammates (the message that came
    with it links here). Images are shown; anything else is downloaded, never run."""
    try:
        attachment = selectors.attachment_by_id(request.workspace, attachment_id)
        handle = default_storage.open(attachment.stored_name, "rb")
    except (NotFound, OSError) as exc:
        raise Http404("No such file.") from exc
    response = FileResponse(
        handle,
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
