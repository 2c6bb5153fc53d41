"""The emails Concierge sends, composed: From the mailbox's address with the teammate's name, a
Message-ID of the mailbox's domain, In-Reply-To and References so Gmail, Outlook and Apple Mail
thread it, the plus-addressed Reply-To, text and HTML parts, the signature and the hidden marker;
a proactive email's List-Unsubscribe with one-click unsubscribe (RFC 8058). No database here."""

import html
from dataclasses import dataclass, field
from email.utils import formataddr, make_msgid

from django.core.mail import EmailMessage, EmailMultiAlternatives

from concierge.core.text import message_text

# Never more References than this: the first (the thread's root) and the latest ones.
MAX_REFERENCES = 20


@dataclass
class Outgoing:
    from_name: str
    from_address: str
    to: list[str]
    reply_to: str
    subject: str
    body_html: str  # the message, safe HTML
    signature: str = ""  # plain text
    marker_token: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    auto_submitted: bool = False
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, content, type)
    cc: list[str] = field(default_factory=list)
    # A proactive email's unsubscribe address (https, or http on a test server): List-Unsubscribe,
    # and List-Unsubscribe-Post so a mail client unsubscribes with one click (RFC 8058).
    list_unsubscribe: str = ""


def new_message_id(domain: str) -> str:
    """Without angle brackets, as MailMessage keeps it."""
    return make_msgid(domain=domain or "concierge.localhost").strip("<>")


def reply_subject(subject: str) -> str:
    subject = " ".join((subject or "").split()) or "Your message"
    return subject if subject.lower().startswith(("re:", "re :")) else f"Re: {subject}"


def compose(outgoing: Outgoing, message_id: str) -> bytes:
    """The whole RFC 5322 text that is stored and sent."""
    email = EmailMultiAlternatives(
        subject=outgoing.subject,
        body=_text_part(outgoing),
        from_email=formataddr((outgoing.from_name, outgoing.from_address)),
        to=outgoing.to,
        cc=outgoing.cc or None,
        reply_to=[outgoing.reply_to] if outgoing.reply_to else None,
        headers=_headers(outgoing, message_id),
    )
    email.attach_alternative(_html_part(outgoing), "text/html")
    for name, content, mimetype in outgoing.attachments:
        email.attach(name, content, mimetype)
    return email.message().as_bytes(linesep="\r\n")


def _headers(outgoing: Outgoing, message_id: str) -> dict[str, str]:
    headers = {"Message-ID": f"<{message_id}>"}
    if outgoing.in_reply_to:
        headers["In-Reply-To"] = f"<{outgoing.in_reply_to}>"
    references = _trimmed(outgoing.references)
    if references:
        headers["References"] = " ".join(f"<{ref}>" for ref in references)
    if outgoing.auto_submitted:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"  # no out-of-office answer to an answer
    if outgoing.list_unsubscribe:
        headers["List-Unsubscribe"] = f"<{outgoing.list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _trimmed(references: list[str]) -> list[str]:
    if len(references) <= MAX_REFERENCES:
        return references
    return [references[0], *references[-(MAX_REFERENCES - 1) :]]


def _marker(token: str) -> str:
    return f"[ref:{token}]" if token else ""


def _text_part(outgoing: Outgoing) -> str:
    pieces = [message_text(outgoing.body_html)]
    if outgoing.signature.strip():
        pieces.append("-- \n" + outgoing.signature.strip())
    if outgoing.marker_token:
        pieces.append(_marker(outgoing.marker_token))
    return "\n\n".join(pieces) + "\n"


def _html_part(outgoing: Outgoing) -> str:
    signature = ""
    if outgoing.signature.strip():
        lines = html.escape(outgoing.signature.strip()).replace("\n", "<br>")
        signature = f'<p style="color:#555">-- <br>{lines}</p>'
    marker = ""
    if outgoing.marker_token:
        marker = (
            f'<div style="display:none;font-size:0;color:transparent">{_marker(outgoing.marker_token)}</div>'
        )
    return f"<!DOCTYPE html><html><body>{outgoing.body_html}{signature}{marker}</body></html>"


class StoredEmail(EmailMessage):
    """A message composed before, sent as it was stored: Django's backends (SMTP, the demo's files)
    take it like any other, and send the very bytes kept with the conversation."""

    def __init__(self, raw: bytes, *, envelope_from: str, to: list[str]):
        super().__init__(from_email=envelope_from, to=to)
        self.raw = raw

    def message(self):
        return _StoredBytes(self.raw)


class _StoredBytes:
    """What Django's backends ask of a message: its bytes, with the line ends they want."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def get_charset(self):
        return None
