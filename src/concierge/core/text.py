"""Text that people write: length checks and HTML sanitising (nh3) before anything is stored."""

import nh3
from django.conf import settings

from concierge.core.errors import InvalidInput

MESSAGE_TAGS = {"a", "b", "strong", "i", "em", "u", "p", "br", "ul", "ol", "li", "code", "pre", "blockquote"}
MESSAGE_ATTRIBUTES = {"a": {"href", "title"}}


def clean_message_body(body: str, *, field: str = "body") -> str:
    """Sanitise a message's HTML and refuse an empty or over-long one."""
    if not isinstance(body, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    if len(body) > settings.MAX_MESSAGE_LENGTH:
        raise InvalidInput(
            f"{field} is {len(body)} characters long; the limit is {settings.MAX_MESSAGE_LENGTH}.",
            field=field,
        )
    cleaned = nh3.clean(
        body,
        tags=MESSAGE_TAGS,
        attributes=MESSAGE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
    if not cleaned:
        raise InvalidInput(f"{field} must not be empty.", field=field)
    return cleaned


def clean_short_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """A single-line value (a name, a subject): stripped, length-checked, no markup kept."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{field} is required.", field=field)
    if len(value) > max_length:
        raise InvalidInput(
            f"{field} is {len(value)} characters long; the limit is {max_length}.", field=field
        )
    return value
