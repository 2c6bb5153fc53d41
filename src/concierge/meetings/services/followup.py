"""After a session: the follow-up email (recap, help articles, next steps and an invitation to come
back), composed from the session type's template and sent once."""

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.events.services import record_event
from concierge.meetings import event_types
from concierge.meetings.models import Booking, BookingEmail, FollowUp
from concierge.meetings.services.mail import schedule_booking_emails
from concierge.workspaces.models import Teammate

PLACEHOLDER = re.compile(r"\{(customer_name|session_name|recap|articles|next_steps|agent_name)\}")
MAX_TEXT = 10_000
MAX_ARTICLES = 20


def clean_article_links(links) -> list[dict]:
    """[{"title", "url"}]; a bare URL is its own title."""
    cleaned = []
    for link in links or []:
        if isinstance(link, str):
            link = {"title": link, "url": link}
        if not isinstance(link, dict):
            raise InvalidInput("Each article link must be a URL or {title, url}.", field="article_links")
        url = (link.get("url") or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise InvalidInput(f"'{url}' is not a web address.", field="article_links") from exc
        title = clean_short_text(link.get("title") or url, field="article_links", max_length=200)
        cleaned.append({"title": title, "url": url})
    if len(cleaned) > MAX_ARTICLES:
        raise InvalidInput(f"At most {MAX_ARTICLES} article links.", field="article_links")
    return cleaned


def compose_follow_up(
    booking: Booking, *, recap: str, article_links: list[dict], next_steps: str, agent_name: str
) -> str:
    """The session type's template with its placeholders filled in; other braces are left alone."""
    values = {
        "customer_name": booking.customer_name or booking.customer_email,
        "session_name": booking.session_type.name,
        "recap": recap,
        "articles": "\n".join(f"- {link['title']}: {link['url']}" for link in article_links) or "-",
        "next_steps": next_steps or "-",
        "agent_name": agent_name,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], booking.session_type.follow_up_template)


def _clean_text(value: str, *, field: str, required: bool = False) -> str:
    value = refuse_control_characters((value or "").strip(), field=field, allowed="\t\n\r")
    if required and not value:
        raise InvalidInput(f"{field} is required.", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{field} is longer than {MAX_TEXT} characters.", field=field)
    return value


def send_follow_up(
    booking: Booking,
    *,
    teammate: Teammate,
    recap: str,
    article_links=(),
    next_steps: str = "",
    at: datetime | None = None,
) -> FollowUp:
    """Write the follow-up of a held session (or one the customer missed) and queue its email."""
    now = at or timezone.now()
    if teammate.workspace_id != booking.workspace_id:
        raise InvalidInput("That teammate belongs to another workspace.", field="teammate")
    recap = _clean_text(recap, field="recap", required=True)
    next_steps = _clean_text(next_steps, field="next_steps")
    article_links = clean_article_links(article_links)
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("workspace", "session_type", "contact")
            .get(pk=booking.pk)
        )
        held = current.status == Booking.Status.HELD
        missed = current.status == Booking.Status.NO_SHOW and current.no_show_side == Booking.Side.CUSTOMER
        if not (held or missed):
            raise Conflict("A follow-up is sent after a session is marked held (or the customer missed it).")
        body = compose_follow_up(
            current, recap=recap, article_links=article_links, next_steps=next_steps, agent_name=teammate.name
        )
        try:
            with transaction.atomic():
                follow_up = FollowUp.objects.create(
                    workspace_id=current.workspace_id,
                    booking=current,
                    recap=recap,
                    article_links=article_links,
                    next_steps=next_steps,
                    body=body,
                    sent_by=teammate,
                    created_at=now,
                )
        except IntegrityError as exc:
            raise Conflict("This session's follow-up was already sent.") from exc
        current.followed_up_at = now
        current.save(update_fields=["followed_up_at"])
        record_event(
            current.workspace,
            event_types.MEETING_FOLLOWED_UP,
            contact=current.contact,
            at=now,
            data={
                "booking": current.pk,
                "session_type": current.session_type_id,
                "agent": current.agent_id,
                "teammate": teammate.pk,
                "articles": len(article_links),
            },
        )
        schedule_booking_emails(current, BookingEmail.Kind.FOLLOW_UP, recipients=(Booking.Side.CUSTOMER,))
    return follow_up
