"""What the outbound pages share: finding a message of the workspace (another's is a 404), and a
message's text as a contact would read it, in the messenger or in their inbox."""

from dataclasses import dataclass

from django.http import Http404

from concierge.contacts.models import Contact
from concierge.core.errors import NotFound
from concierge.core.text import render_message
from concierge.outbound import selectors
from concierge.outbound.models import Message
from concierge.outbound.personalisation import personalise

# Whom the editor's live preview fills the text in for, until a real contact is chosen.
EXAMPLE_CONTACT = {
    "name": "Jordan Example",
    "email": "jordan@example.com",
    "attributes": {"plan": "Pro", "seats": 12, "company": "Example Inc."},
}
IN_THE_MESSENGER = ("chat", "post", "banner", "tooltip_group")


def number(value) -> int | None:
    """A positive id typed in a form or a query, else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < len(value) <= 18:
        return int(value)
    return None


def message_or_404(request, message_id: int) -> Message:
    try:
        return selectors.message_by_id(request.workspace, message_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def example_contact(workspace) -> Contact:
    return Contact(workspace=workspace, **EXAMPLE_CONTACT)


@dataclass(frozen=True)
class Rendered:
    """A version of a message filled in for one contact: what the preview draws."""

    content_type: str
    locale: str
    subject: str
    body_html: str
    tooltips: list[dict]  # {"selector", "html"}
    sender_name: str
    sender_initials: str

    @property
    def look(self) -> str:
        return "messenger" if self.content_type in IN_THE_MESSENGER else "email"


def render_version(*, content_type, locale, subject, body, tooltips, contact, sender, workspace) -> Rendered:
    def filled(text: str) -> str:
        return personalise(text, contact=contact, sender=sender, workspace=workspace, locale=locale)

    name = sender.name if sender is not None else workspace.name
    return Rendered(
        content_type=content_type,
        locale=locale,
        subject=filled(subject).replace("\\", ""),
        body_html=render_message(filled(body), keep_html=False) if body.strip() else "",
        tooltips=[
            {
                "selector": tip.get("selector", ""),
                "html": render_message(filled(tip.get("body", "")), keep_html=False),
            }
            for tip in tooltips or []
        ],
        sender_name=name,
        sender_initials="".join(word[0] for word in name.split()[:2]).upper() or "?",
    )
