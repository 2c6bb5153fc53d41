"""Text that people write: length checks, control characters and HTML sanitising (nh3), before anything
is stored.

Control characters are settled here, at the edge, once for every service: in a single-line value
(a name, a subject) a line break, tab or other layout character becomes a space — a name pasted with a
line break is still that name, and can go into an email header safely — while the rest of the C0/C1
controls (NUL, escape, backspace, …) are refused with a message that names the field. PostgreSQL
cannot store NUL in text at all; nothing else has a use for them in what a person typed.
"""

import re
import unicodedata

import nh3
from django.conf import settings

from concierge.core.errors import InvalidInput

MESSAGE_TAGS = {"a", "b", "strong", "i", "em", "u", "p", "br", "ul", "ol", "li", "code", "pre", "blockquote"}
MESSAGE_ATTRIBUTES = {"a": {"href", "title"}}


def clean_message_body(body: str, *, field: str = "body") -> str:
    """Sanitise a message's HTML and refuse an empty or over-long one."""
    if not isinstance(body, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    refuse_control_characters(body, field=field, allowed="\t\n\r")
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


# Characters that lay text out: in a single-line value each becomes a space.
LAYOUT_CHARACTERS = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")
# The same, less the line breaks a multi-line value keeps (as "\n").
LAYOUT_IN_MULTILINE = re.compile(r"[\t\v\f\x1c-\x1f\x85\u2028\u2029]+")
LINE_BREAKS = re.compile(r"\r\n?")


def _control_character(value: str, allowed: str) -> str | None:
    """The first control character (Unicode category Cc) in value that is not allowed, if any."""
    for character in value:
        if unicodedata.category(character) == "Cc" and character not in allowed:
            return character
    return None


def refuse_control_characters(value: str, *, field: str, allowed: str = "\n") -> str:
    """Refuse text holding a control character (other than those allowed), naming it and the field."""
    character = _control_character(value, allowed)
    if character is not None:
        raise InvalidInput(
            f"{field} contains a control character (U+{ord(character):04X}); remove it and try again.",
            field=field,
        )
    return value


def one_line(value: str) -> str:
    """Text made safe for one line, such as an email header: layout characters become a space, other
    control characters go, and runs of spaces become one. For text already stored (new text is cleaned
    on the way in by clean_short_text)."""
    value = LAYOUT_CHARACTERS.sub(" ", value or "")
    value = "".join(c for c in value if unicodedata.category(c) != "Cc")
    return re.sub(r" {2,}", " ", value).strip()


def clean_short_text(
    value: str | None, *, field: str, max_length: int, required: bool = False, multiline: bool = False
) -> str:
    """A short value (a name, a subject; with multiline=True a short note): stripped, length-checked,
    no markup kept. Layout characters become a space (a multi-line value keeps its line breaks, as
    "\\n"); any other control character is refused."""
    value = value or ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    if multiline:
        value = LAYOUT_IN_MULTILINE.sub(" ", LINE_BREAKS.sub("\n", value))
    else:
        value = LAYOUT_CHARACTERS.sub(" ", value)
    value = refuse_control_characters(value, field=field).strip()
    if required and not value:
        raise InvalidInput(f"{field} is required.", field=field)
    if len(value) > max_length:
        raise InvalidInput(
            f"{field} is {len(value)} characters long; the limit is {max_length}.", field=field
        )
    return value
