"""An email message's deliveries sent as emails, through the email channel (mail.services.proactive).

Each delivery's email is composed for its contact — the version in their language, personalised,
rendered from Markdown and sanitised —, then its web links go through the signed redirect, an open
pixel and an unsubscribe link are added (outbound.tracking), and it is queued in the transaction
that marks the delivery sent: the delivery, its `outbound.sent` event and its email are made
together or not at all, so a worker killed mid-send neither loses nor repeats an email. The worker
sends it, trying again on a passing failure (mail's own retries).
"""

import html
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import translation
from django.utils.translation import gettext

from concierge.core.errors import InvalidInput
from concierge.core.text import message_text, render_message
from concierge.mail.models import MailMessage
from concierge.mail.services.proactive import queue_proactive_email
from concierge.outbound import tracking
from concierge.outbound.models import Delivery, Message
from concierge.outbound.personalisation import personalise, version_for

_replaying_history: ContextVar[bool] = ContextVar("outbound_replaying_history", default=False)


@contextmanager
def replaying_history():
    """History replayed (the demo's two months): the proactive emails of the deliveries made inside
    are kept as sent at their delivery's instant, never sent now."""
    token = _replaying_history.set(True)
    try:
        yield
    finally:
        _replaying_history.reset(token)


def queue_delivery_emails(message: Message, deliveries: list[Delivery]) -> list[MailMessage]:
    """The emails of an email message's deliveries just marked sent (each with its contact), queued;
    call inside the transaction that marks them sent. Nothing for a message of another type."""
    if message.content_type != Message.ContentType.EMAIL or not deliveries:
        return []
    versions = list(message.versions.all())
    return [queue_delivery_email(message, delivery, versions) for delivery in deliveries]


def queue_delivery_email(message: Message, delivery: Delivery, versions: list) -> MailMessage:
    workspace, contact = message.workspace, delivery.contact
    version = version_for(versions, delivery.locale or contact.locale)
    subject, body_html = composed_for(message, version, contact)
    tracked = with_tracking(workspace, delivery, body_html, version.locale if version else contact.locale)
    return queue_proactive_email(
        workspace,
        to_address=contact.email,
        subject=subject,
        body_html=tracked,
        sender=message.sender,
        unsubscribe_url=tracking.unsubscribe_url(workspace.pk, workspace.slug, contact.pk),
        at=delivery.sent_at,
        replayed=_replaying_history.get(),
    )


def composed_for(message: Message, version, contact) -> tuple[str, str]:
    """The subject (plain text) and the body (safe HTML) as this contact reads them."""
    locale = (version.locale if version else "") or contact.locale or message.workspace.locale

    def filled(text: str) -> str:
        return personalise(
            text, contact=contact, sender=message.sender, workspace=message.workspace, locale=locale
        )

    subject_source = version.subject if version and version.subject else message.name
    subject = " ".join(message_text(_rendered(filled(subject_source or ""))).split())
    body_html = _rendered(filled(version.body if version else ""))
    return subject[:200] or message.workspace.name, body_html


def _rendered(markdown: str) -> str:
    """Safe HTML, or nothing when the text comes out empty (a body of only a variable the contact has
    no value for): an email is never held up, and a batch never undone, by one contact's text."""
    try:
        return render_message(markdown)
    except InvalidInput:
        return ""


def with_tracking(workspace, delivery: Delivery, body_html: str, locale: str = "") -> str:
    """The body with its links tracked, the unsubscribe line (in the version's language) and the
    open pixel."""

    def click(url: str) -> str:
        return tracking.click_url(workspace.pk, workspace.slug, delivery.pk, url)

    unsubscribe = html.escape(tracking.unsubscribe_url(workspace.pk, workspace.slug, delivery.contact_id))
    pixel = html.escape(tracking.open_pixel_url(workspace.pk, workspace.slug, delivery.pk))
    with translation.override(locale or workspace.locale or "en"):
        sent_by = html.escape(gettext("You receive this email from %(team)s.") % {"team": workspace.name})
        unsubscribe_word = html.escape(gettext("Unsubscribe"))
    return (
        tracking.with_tracked_links(body_html, click) + f'<p style="color:#6b7280;font-size:12px">{sent_by} '
        f'{unsubscribe_word}: <a href="{unsubscribe}">{unsubscribe}</a></p>'
        + f'<img src="{pixel}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">'
    )
