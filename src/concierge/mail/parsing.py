"""The one parser every way in (the SMTP listener, IMAP, the HTTP hook) hands its raw message to:
the standard library's `email` with `policy.default`, read into plain values. No database here."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from mailparser_reply import EmailReplyParser

from concierge.core.text import message_text

# RFC 5322 field names: printable US-ASCII but the colon. Anything else (a space, a bare CR smuggled
# into a name) is a forged or broken header block, refused rather than guessed at.
FIELD_NAME = re.compile(rb"^[\x21-\x39\x3b-\x7e]+$")
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# The hidden marker Concierge writes into the mail it sends (mail.composing), found again in a
# reply's quoted history when its headers were lost.
MARKER = re.compile(r"\[ref:([a-z0-9]{16})\]")
PLUS_TOKEN = re.compile(r"^[^@+]+\+([a-z0-9]{16})@", re.IGNORECASE)

AUTO_PRECEDENCE = {"bulk", "list", "junk"}
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)

# The HTML kept of a message, shown on its own page: structure and inline images (cid:, replaced by
# the served attachment's address) survive; scripts, styles, event handlers and remote images do not.
HTML_TAGS = {
    *("a", "b", "strong", "i", "em", "u", "s", "p", "br", "hr", "ul", "ol", "li", "div", "span"),
    *("code", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "img", "font", "small"),
    *("table", "thead", "tbody", "tr", "td", "th", "caption", "sub", "sup"),
}
HTML_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}


class MalformedMail(Exception):
    """The message cannot be read as an email; `reason` says why, for the teammate who looks at it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    subject: str
    text: str  # the plain-text alternative (made from the HTML when there is none)
    html: str  # sanitised; cid: links still to be replaced
    date: datetime | None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reply_reason: str = ""  # why it is an auto-reply, when it is one
    is_bounce: bool = False
    names: dict[str, str] = field(default_factory=dict)  # the display names of To and Cc, by address
    written_to: list[str] = field(default_factory=list)  # the To header's addresses alone (no Delivered-To)

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs it answers, nearest first: In-Reply-To, then References from the end."""
        seen, ids = set(), []
        for message_id in [*self.in_reply_to, *reversed(self.references)]:
            if message_id not in seen:
                seen.add(message_id)
                ids.append(message_id)
        return ids

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc]


def parse_mail(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise MalformedMail("The message is empty.")
    _check_header_block(raw)
    message = message_from_bytes(raw, policy=policy.default)
    try:
        return _read(message)
    except MalformedMail:
        raise
    except (ValueError, TypeError, LookupError, IndexError, AttributeError) as exc:
        # policy.default raises on some broken headers only when they are read.
        raise MalformedMail(f"A header could not be read: {exc}") from exc


def _check_header_block(raw: bytes) -> None:
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    if b"\r" in head.replace(b"\r\n", b""):
        raise MalformedMail(
            "The header block has a carriage return that does not end a line (CRLF injection)."
        )
    names = [line.split(b":", 1)[0] for line in re.split(rb"\r?\n", head) if line and line[:1] not in b" \t"]
    if not names or any(
        b":" not in line for line in re.split(rb"\r?\n", head) if line and line[:1] not in b" \t"
    ):
        raise MalformedMail("A header line has no name: the message does not start with its headers.")
    bad = [name for name in names if not FIELD_NAME.match(name)]
    if bad:
        shown = bad[0].decode("ascii", "backslashreplace")[:60]
        raise MalformedMail(f"The header name '{shown}' is not a valid field name.")


def _read(message: EmailMessage) -> ParsedMail:
    from_address, from_name = _sender(message)
    html_part = message.get_body(preferencelist=("html",))
    text_part = message.get_body(preferencelist=("plain",))
    html = _sanitised_html(_content_of(html_part)) if html_part is not None else ""
    text = _content_of(text_part) if text_part is not None else ""
    if not text.strip() and html:
        text = message_text(html)
    return ParsedMail(
        message_id=_first_id(message.get("Message-ID", "")),
        in_reply_to=_ids(message.get("In-Reply-To", "")),
        references=_ids(message.get("References", "")),
        from_address=from_address,
        from_name=from_name,
        to=_addresses(message, "To")
        + _addresses(message, "Delivered-To")
        + _addresses(message, "X-Original-To"),
        cc=_addresses(message, "Cc"),
        reply_to=_addresses(message, "Reply-To"),
        subject=" ".join(str(message.get("Subject", "")).split())[:255],
        text=text.replace("\r\n", "\n"),
        html=html,
        date=_date(message),
        attachments=_attachments(message, skip={id(html_part), id(text_part)}),
        auto_reply_reason=_auto_reply_reason(message),
        is_bounce=_is_bounce(message, from_address),
        names=_display_names(message, "To", "Cc"),
        written_to=_addresses(message, "To"),
    )


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = message.get("From")
    if header is None:
        raise MalformedMail("The message has no From header.")
    addresses = [a for a in getattr(header, "addresses", ()) if a.addr_spec and "@" in a.addr_spec]
    if not addresses:
        raise MalformedMail(f"The From header has no address: '{str(header)[:100]}'.")
    return addresses[0].addr_spec.strip().lower()[:254], " ".join(addresses[0].display_name.split())[:190]


def _addresses(message: EmailMessage, name: str) -> list[str]:
    values = [str(value) for value in message.get_all(name, [])]
    return [address.strip().lower() for _, address in getaddresses(values) if "@" in address]


def _display_names(message: EmailMessage, *names: str) -> dict[str, str]:
    values = [str(value) for name in names for value in message.get_all(name, [])]
    return {
        address.strip().lower(): " ".join(display.split())[:190]
        for display, address in getaddresses(values)
        if "@" in address and display.strip()
    }


def _ids(value) -> list[str]:
    return [found[:255] for found in MESSAGE_ID.findall(str(value))]


def _first_id(value) -> str:
    ids = _ids(value)
    return ids[0] if ids else ""


def _date(message: EmailMessage) -> datetime | None:
    try:
        found = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError):
        return None
    return found if found and found.tzinfo else None


def _content_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


# An image whose (remote) source was taken out: nothing left to show.
IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def _sanitised_html(markup: str) -> str:
    cleaned = nh3.clean(
        markup,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="nofollow noopener noreferrer",
        attribute_filter=_keep_only_inline_images,
    )
    return IMAGE_WITHOUT_SOURCE.sub("", cleaned).strip()


def _keep_only_inline_images(tag: str, attribute: str, value: str) -> str | None:
    """A remote image would tell its sender when a teammate reads the mail; only cid: ones stay."""
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    return value


def _attachments(message: EmailMessage, *, skip: set[int]) -> list[ParsedAttachment]:
    found = []
    for part in message.walk():
        if part.is_multipart() or id(part) in skip:
            continue
        if part.get_content_maintype() == "text" and not part.is_attachment() and not part.get("Content-ID"):
            continue  # another alternative of the body, not a file
        content_id = _first_id(part.get("Content-ID", "")) or str(part.get("Content-ID", "")).strip("<> ")
        payload = part.get_payload(decode=True) or b""
        filename = (part.get_filename() or "").strip() or _default_name(part)
        found.append(
            ParsedAttachment(
                filename=" ".join(filename.split())[:255],
                content_type=part.get_content_type()[:127],
                payload=payload,
                content_id=content_id[:255],
                inline=bool(content_id) and part.get_content_disposition() != "attachment",
            )
        )
    return found


def _default_name(part: EmailMessage) -> str:
    return f"attachment.{part.get_content_subtype() or 'bin'}"


def _auto_reply_reason(message: EmailMessage) -> str:
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            return f"{name} header"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    return ""


def _is_bounce(message: EmailMessage, from_address: str) -> bool:
    if message.get_content_type() == "multipart/report":
        return True
    return bool(BOUNCE_SENDERS.match(from_address)) and str(message.get("Return-Path", "")).strip() in {
        "<>",
        "",
    }


def latest_reply(text: str) -> str:
    """What the sender wrote this time: the quoted history and the signature cut off (mail-parser-
    reply; docs/decisions/quoted-history-cut-with-mail-parser-reply.md). Empty when nothing is left."""
    if not text.strip():
        return ""
    try:
        replies = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl"]).read(text).replies
    except Exception:  # a library's regex on odd input must not cost the message: keep it whole
        return text.strip()
    return (replies[0].body if replies else text).strip()


def thread_token_in(recipients: list[str], text: str, html: str) -> tuple[str, str]:
    """The thread token a reply carries, and where: a plus address among its recipients first,
    then the hidden marker in its body."""
    for address in recipients:
        found = PLUS_TOKEN.match(address)
        if found:
            return found.group(1).lower(), "plus address"
    found = MARKER.search(text) or MARKER.search(html)
    return (found.group(1), "marker") if found else ("", "")


def address_without_plus(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local.partition('+')[0]}@{domain}".lower()
