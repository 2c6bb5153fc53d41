"""What readers do in the help center: visit it, search it, read an article, react to it, and ask
the team about it. Each writes its event to the support log in the change's transaction, so the
funnel report counts self-serve with no import.

The reader is a contact (an identified user, or a lead the public pages keep by a cookie); the
public pages decide who it is and call these with it.
"""

import html
import re
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from concierge.contacts.models import Contact
from concierge.contacts.services import update_contact
from concierge.conversations.models import Conversation
from concierge.conversations.services.starting import start_conversation
from concierge.core.errors import InvalidInput
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.core.zones import validate_locale_name
from concierge.events import types as event_types
from concierge.events.models import Event
from concierge.events.services.log import record_event
from concierge.helpcenter.event_types import ARTICLE_REACTED
from concierge.helpcenter.models import (
    ArticleDailyViews,
    ArticleReaction,
    ArticleTranslation,
    UnansweredSearch,
)
from concierge.workspaces.models import Workspace

READING_CHANNELS = ("help_center", "messenger")
# A reader active in the help center within this long is on the same visit (the web analytics'
# usual session timeout); a visit after a longer pause is a new one.
VISIT_GAP = timedelta(minutes=30)
HELP_CENTER_ACTIVITY = (
    event_types.HELP_CENTER_VISITED,
    event_types.ARTICLE_SEARCHED,
    event_types.ARTICLE_VIEWED,
)
MAX_QUERY_LENGTH = 200
MAX_MESSAGE_LENGTH = 5_000
SPACES = re.compile(r"\s+")


def record_help_center_visit(
    workspace: Workspace, contact: Contact, *, channel: str = "help_center", at: datetime | None = None
) -> None:
    """`help_center.visited`, once per visit: nothing when the reader was active in the help center
    less than VISIT_GAP ago."""
    _check_reader(workspace, contact)
    _check_channel(channel)
    at = _instant(at)
    with transaction.atomic():
        _lock_reader(contact)
        if _active_since(workspace, contact, at - VISIT_GAP, at):
            return
        record_event(
            workspace, event_types.HELP_CENTER_VISITED, contact=contact, at=at, data={"channel": channel}
        )


def normalised_query(query: str) -> str:
    """A query as searches are counted: trimmed, runs of spaces collapsed, lower case."""
    return SPACES.sub(" ", query or "").strip().lower()


def clean_query(query: str) -> str:
    """A reader's query, trimmed and collapsed; refused when too long or holding control characters."""
    if not isinstance(query, str):
        raise InvalidInput("The search must be text.", field="q")
    query = SPACES.sub(" ", refuse_control_characters(query, field="q", allowed="\t\n\r")).strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"A search is at most {MAX_QUERY_LENGTH} characters long.", field="q")
    return query


def record_article_search(
    workspace: Workspace,
    contact: Contact,
    query: str,
    *,
    locale: str,
    results: int,
    channel: str = "help_center",
    at: datetime | None = None,
) -> None:
    """`article.searched` with the query; a search that found nothing is counted among the content
    gaps (UnansweredSearch, by its normalised form). An empty query is not a search: nothing."""
    _check_reader(workspace, contact)
    _check_channel(channel)
    query = clean_query(query)
    locale = validate_locale_name(locale)
    if not isinstance(results, int) or results < 0:
        raise InvalidInput("results must be a count (0 or more).", field="results")
    if not query:
        return
    at = _instant(at)
    with transaction.atomic():
        record_event(
            workspace,
            event_types.ARTICLE_SEARCHED,
            contact=contact,
            at=at,
            data={"channel": channel, "query": query},
        )
        if results == 0:
            _count_unanswered(workspace, normalised_query(query), locale, at)


def _count_unanswered(workspace: Workspace, query: str, locale: str, at: datetime) -> None:
    counted = UnansweredSearch.objects.filter(workspace=workspace, locale=locale, query=query)
    if counted.update(searches=F("searches") + 1):
        counted.filter(last_at__lt=at).update(last_at=at)
        counted.filter(first_at__gt=at).update(first_at=at)
        return
    try:
        with transaction.atomic():
            UnansweredSearch.objects.create(
                workspace=workspace, locale=locale, query=query, searches=1, first_at=at, last_at=at
            )
    except IntegrityError:  # another reader counted the same search first
        counted.update(searches=F("searches") + 1)
        counted.filter(last_at__lt=at).update(last_at=at)


def record_article_view(
    translation: ArticleTranslation,
    contact: Contact,
    *,
    channel: str = "help_center",
    at: datetime | None = None,
) -> None:
    """`article.viewed` (naming the article by its slug, as its URL and the import do) and one more
    view in the translation's day (UTC) for "popular" and the teammates' figures."""
    workspace = translation.article.workspace
    _check_reader(workspace, contact)
    _check_channel(channel)
    _check_published(translation)
    at = _instant(at)
    with transaction.atomic():
        record_event(
            workspace,
            event_types.ARTICLE_VIEWED,
            contact=contact,
            at=at,
            data={"channel": channel, "article": translation.article.slug},
        )
        _count_view(translation, at)


def _count_view(translation: ArticleTranslation, at: datetime) -> None:
    day = at.astimezone(UTC).date()
    counted = ArticleDailyViews.objects.filter(translation=translation, day=day)
    if counted.update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            ArticleDailyViews.objects.create(
                workspace_id=translation.workspace_id, translation=translation, day=day, views=1
            )
    except IntegrityError:  # another view of the same day was counted first
        counted.update(views=F("views") + 1)


def react_to_article(
    translation: ArticleTranslation, contact: Contact, reaction: str, *, at: datetime | None = None
) -> ArticleReaction:
    """The reader's reaction (😞 disappointed, 😐 neutral, 😃 happy); a reader has one per
    translation, a new one replaces it. Recorded in the log as `article.reacted`."""
    workspace = translation.article.workspace
    _check_reader(workspace, contact)
    _check_published(translation)
    if reaction not in ArticleReaction.Reaction.values:
        raise InvalidInput(
            f"reaction '{reaction}' must be one of {', '.join(ArticleReaction.Reaction.values)}.",
            field="reaction",
        )
    at = _instant(at)
    with transaction.atomic():
        _lock_reader(contact)
        stored = ArticleReaction.objects.filter(translation=translation, contact=contact).first()
        if stored is None:
            stored = ArticleReaction.objects.create(
                workspace=workspace, translation=translation, contact=contact, reaction=reaction, at=at
            )
        else:
            stored.reaction, stored.at = reaction, at
            stored.save(update_fields=["reaction", "at"])
        record_event(
            workspace,
            ARTICLE_REACTED,
            contact=contact,
            at=at,
            data={"article": translation.article.slug, "locale": translation.locale, "reaction": reaction},
        )
    return stored


def talk_to_us_about_article(
    translation: ArticleTranslation,
    contact: Contact,
    *,
    message: str,
    email: str | None = None,
    at: datetime | None = None,
) -> Conversation:
    """A conversation from the reader about the article: their message, then the article it came
    from (title and link) in the same first message, so the teammate sees what they read. A lead's
    email address, when given, is kept on the lead so the team can answer by email."""
    workspace = translation.article.workspace
    _check_reader(workspace, contact)
    _check_published(translation)
    message = clean_short_text(message, field="message", max_length=MAX_MESSAGE_LENGTH, multiline=True)
    if not message:
        raise InvalidInput("Write a message for the team.", field="message")
    email = (email or "").strip().lower()
    if email:
        _check_email(email)
    at = _instant(at)
    with transaction.atomic():
        if email and contact.kind == Contact.Kind.LEAD:  # a user's own address stays as it is
            contact = update_contact(contact, email=email)
        return start_conversation(
            workspace,
            contact=contact,
            body=_message_with_article(message, translation),
            channel=Conversation.Channel.MESSENGER,
            subject=clean_short_text(translation.title, field="subject", max_length=200),
            at=at,
        )


def _check_email(email: str) -> None:
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"'{email}' is not a valid email address.", field="email") from exc


def article_path(translation: ArticleTranslation) -> str:
    """The public address of a translation (its page in the help center)."""
    return reverse(
        "helpcenter_public:article",
        kwargs={
            "workspace_slug": translation.article.workspace.slug,
            "locale": translation.locale,
            "article_slug": translation.article.slug,
        },
    )


def _message_with_article(message: str, translation: ArticleTranslation) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in message.split("\n") if line.strip())
    link = f'<a href="{html.escape(article_path(translation))}">{html.escape(translation.title)}</a>'
    return f"{paragraphs}<p>Sent from the help center article: {link}</p>"


def _check_reader(workspace: Workspace, contact: Contact) -> None:
    if contact.workspace_id != workspace.pk:
        raise InvalidInput("That contact belongs to another workspace.", field="contact")


def _check_channel(channel: str) -> None:
    if channel not in READING_CHANNELS:
        raise InvalidInput(
            f"channel '{channel}' must be one of {', '.join(READING_CHANNELS)}.", field="channel"
        )


def _check_published(translation: ArticleTranslation) -> None:
    if translation.state != ArticleTranslation.State.PUBLISHED:
        raise InvalidInput("Only a published article can be read.", field="article")


def _instant(at: datetime | None) -> datetime:
    if at is not None and timezone.is_naive(at):
        raise InvalidInput("A time must carry its zone offset.", field="at")
    return at or timezone.now()


def _lock_reader(contact: Contact) -> None:
    """Two requests of one reader at once (two tabs) see each other's visit and reaction."""
    list(Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk"))


def _active_since(workspace: Workspace, contact: Contact, since: datetime, until: datetime) -> bool:
    return Event.objects.filter(
        workspace=workspace, contact=contact, type__in=HELP_CENTER_ACTIVITY, at__gt=since, at__lte=until
    ).exists()
