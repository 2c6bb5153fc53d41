"""Text that people write: length checks, control characters and HTML sanitising (nh3), before anything
is stored.

Control characters are settled here, at the edge, once for every service: in a single-line value
(a name, a subject) a line break, tab or other layout character becomes a space — a name pasted with a
line break is still that name, and can go into an email header safely — while the rest of the C0/C1
controls (NUL, escape, backspace, …) are refused with a message that names the field. PostgreSQL
cannot store NUL in text at all; nothing else has a use for them in what a person typed.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

from concierge.core.errors import InvalidInput

MESSAGE_TAGS = {
    *("a", "b", "strong", "i", "em", "u", "s", "del", "p", "br", "hr", "ul", "ol", "li"),
    *("code", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"),
}
MESSAGE_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# A link in a message opens in a new tab, and tells the page it leads to neither who sent the reader
# nor a way back into Concierge's tab; search engines do not count it.
LINK_REL = "nofollow noopener noreferrer"


def _sanitised(markup: str, field: str) -> str:
    cleaned = nh3.clean(
        markup,
        tags=MESSAGE_TAGS,
        attributes=MESSAGE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()
    if not cleaned:
        raise InvalidInput(f"{field} must not be empty.", field=field)
    return cleaned


def _check_message_text(body: str, field: str) -> None:
    if not isinstance(body, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    refuse_control_characters(body, field=field, allowed="\t\n\r")
    if len(body) > settings.MAX_MESSAGE_LENGTH:
        raise InvalidInput(
            f"{field} is {len(body)} characters long; the limit is {settings.MAX_MESSAGE_LENGTH}.",
            field=field,
        )


def clean_message_body(body: str, *, field: str = "body") -> str:
    """Sanitise a message's HTML (a customer's message, as text or simple HTML) and refuse an empty
    or over-long one. Its links open in a new tab (LINK_REL)."""
    _check_message_text(body, field)
    return _sanitised(body, field)


@lru_cache(maxsize=2)
def _markdown(keep_html: bool) -> MarkdownIt:
    """CommonMark with bare web addresses made links and ~~strikethrough~~; a line break is a
    line break, as in a chat. `keep_html`: HTML written in the Markdown is kept (then sanitised);
    otherwise it is shown as the text it is."""
    options = {"html": keep_html, "linkify": True, "breaks": True, "xhtmlOut": False, "typographer": False}
    return MarkdownIt("commonmark", options).enable(["linkify", "strikethrough"])


def render_message(source: str, *, field: str = "body", keep_html: bool = True) -> str:
    """A teammate's (or the bot's) message, written in Markdown, as the safe HTML that is stored and
    shown to teammates and the customer alike: rendered (markdown-it-py), then sanitised (nh3) — no
    script, event handler, style or javascript: link survives — with its links opening in a new tab.
    With keep_html (the API: "text or simple HTML") HTML tags in it are kept, sanitised; without
    (what a teammate types in the inbox's composer) they are shown as typed."""
    _check_message_text(source, field)
    return _sanitised(_markdown(keep_html).render(source), field)


BLOCK_ENDS = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|pre|tr)>|<hr\s*/?>", re.IGNORECASE)
TAGS = re.compile(r"<[^>]*>")


def message_text(stored_html: str) -> str:
    """A stored message as plain text (the API's `text`; notifications): tags gone, entities
    decoded, one line per paragraph, line break or list item."""
    text = html.unescape(TAGS.sub("", BLOCK_ENDS.sub("\n", stored_html or "")))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


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


@dataclass(frozen=True)
class MarkdownSection:
    """A part of a Markdown document: the text before its first `##` heading (heading None, the
    intro), or one `##` heading and what follows it up to the next one."""

    heading: str | None
    text: str


def split_markdown_sections(source: str) -> list[MarkdownSection]:
    """A Markdown document cut at its level-2 headings, in order. Headings are found by the parser,
    so a `## ` line inside a fenced code block stays in its section; an empty intro is left out."""
    lines = source.splitlines()
    tokens = _markdown(False).parse(source)
    starts: list[tuple[int, int, str]] = []  # (first line of the heading, first line after it, heading)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            starts.append((token.map[0], token.map[1], tokens[index + 1].content.strip()))
    sections: list[MarkdownSection] = []
    intro = "\n".join(lines[: starts[0][0] if starts else len(lines)]).strip()
    if intro:
        sections.append(MarkdownSection(None, intro))
    for position, (_first, after, heading) in enumerate(starts):
        until = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        sections.append(MarkdownSection(heading, "\n".join(lines[after:until]).strip()))
    return sections
