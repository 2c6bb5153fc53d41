"""The signed links of a proactive email: its open pixel, its tracked links and its unsubscribe link.

Each token is signed with the server's secret (django.core.signing), salted by its kind and by the
workspace, so a token made for one workspace or one kind of link is refused by every other, and a
token changed by a single character is refused. A tracked link's token carries the address it was
made for, and the redirect goes there only: the redirect is never open to an address someone else
wrote. The tokens do not expire: an email read a year later still opens its links.

No database here: tokens name a delivery or a contact by id, and the caller reads the row, in the
workspace, from the id a valid token gives back.
"""

import html
import re
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.urls import reverse

OPEN, CLICK, UNSUBSCRIBE = "open", "click", "unsubscribe"
# A tracked address: what a page may link to, and not longer than a browser takes well.
TRACKED_SCHEMES = ("http://", "https://")
MAX_URL_LENGTH = 2000
MAX_TOKEN_LENGTH = 3000
# A link in the sanitised HTML (core.text writes every attribute in double quotes).
_HREF = re.compile(r'(<a\s[^>]*?href=")([^"]*)(")', re.IGNORECASE)


def _salt(kind: str, workspace_id: int) -> str:
    return f"concierge.outbound.{kind}.{workspace_id}"


def _sign(kind: str, workspace_id: int, value: dict) -> str:
    # Without a timestamp: the same link is the same token (the header's and the body's unsubscribe).
    return signing.Signer(salt=_salt(kind, workspace_id)).sign_object(value, compress=True)


def _unsign(kind: str, workspace_id: int, token: str) -> dict | None:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = signing.Signer(salt=_salt(kind, workspace_id)).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _public_url(name: str, workspace_slug: str, token: str) -> str:
    return settings.PUBLIC_URL + reverse(name, args=[workspace_slug, token])


# The open pixel ----------------------------------------------------------------------------------


def open_token(workspace_id: int, delivery_id: int) -> str:
    return _sign(OPEN, workspace_id, {"d": delivery_id})


def delivery_of_open_token(workspace_id: int, token: str) -> int | None:
    value = _unsign(OPEN, workspace_id, token)
    delivery_id = value.get("d") if value else None
    return delivery_id if isinstance(delivery_id, int) else None


def open_pixel_url(workspace_id: int, workspace_slug: str, delivery_id: int) -> str:
    return _public_url("outbound_open", workspace_slug, open_token(workspace_id, delivery_id))


# Tracked links ----------------------------------------------------------------------------------


def is_trackable(url: str) -> bool:
    return url.lower().startswith(TRACKED_SCHEMES) and len(url) <= MAX_URL_LENGTH and "\n" not in url


def click_token(workspace_id: int, delivery_id: int, url: str) -> str:
    return _sign(CLICK, workspace_id, {"d": delivery_id, "u": url})


def click_of_token(workspace_id: int, token: str) -> tuple[int, str] | None:
    """The delivery and the address a click token was made for; None for a forged or altered one."""
    value = _unsign(CLICK, workspace_id, token)
    if not value:
        return None
    delivery_id, url = value.get("d"), value.get("u")
    if not isinstance(delivery_id, int) or not isinstance(url, str) or not is_trackable(url):
        return None
    return delivery_id, url


def click_url(workspace_id: int, workspace_slug: str, delivery_id: int, url: str) -> str:
    return _public_url("outbound_click", workspace_slug, click_token(workspace_id, delivery_id, url))


def with_tracked_links(body_html: str, tracked: Callable[[str], str]) -> str:
    """The HTML with every http(s) link going through `tracked(address)` (the signed redirect);
    mailto: and other links are left as they are."""

    def replace(match: re.Match) -> str:
        url = html.unescape(match.group(2)).strip()
        if not is_trackable(url):
            return match.group(0)
        return f"{match.group(1)}{html.escape(tracked(url))}{match.group(3)}"

    return _HREF.sub(replace, body_html)


# Unsubscribing ----------------------------------------------------------------------------------


def unsubscribe_token(workspace_id: int, contact_id: int) -> str:
    return _sign(UNSUBSCRIBE, workspace_id, {"k": contact_id})


def contact_of_unsubscribe_token(workspace_id: int, token: str) -> int | None:
    value = _unsign(UNSUBSCRIBE, workspace_id, token)
    contact_id = value.get("k") if value else None
    return contact_id if isinstance(contact_id, int) else None


def unsubscribe_url(workspace_id: int, workspace_slug: str, contact_id: int) -> str:
    return _public_url("outbound_unsubscribe", workspace_slug, unsubscribe_token(workspace_id, contact_id))
