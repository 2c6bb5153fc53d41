"""The bot's writes: its settings (audited), answering a new conversation, the customer's "That helped"
or "Talk to a person", the assumed resolution after a quiet hour, and keeping its record in step when
the customer writes again or the conversation is reopened (docs/bot.md)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from concierge.bot import selectors
from concierge.bot.engine import Verdict
from concierge.bot.models import BotQuestion, BotSettings
from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation, Part
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.queue import enqueue_with_change
from concierge.core.text import message_text
from concierge.core.zones import validate_locale_name
from concierge.events import types as event_types
from concierge.workspaces.models import Workspace
from concierge.workspaces.services import SYSTEM, Actor, changed_fields, field_values, record_audit

Outcome = BotQuestion.Outcome
Verdicts = BotQuestion.Verdict
BUTTONS = ["helped", "talk_to_person"]
SETTINGS_FIELDS = (
    "enabled",
    "assume_resolved_after_minutes",
    "answer_threshold",
    "suggest_threshold",
    "channels",
)
MAX_ASSUME_MINUTES = 7 * 24 * 60
# A question older than this when the bot gets to it (a worker that was down) is left to the team: an
# answer to yesterday's question would only confuse the customer.
STALE_AFTER = timedelta(hours=1)

CONFIRMED_REASON = "Confirmed: the customer said it helped"
ASKED_FOR_PERSON = "the customer asked for a person"
WROTE_AGAIN = "the customer wrote again"


def assumed_reason(minutes: int) -> str:
    return f"Assumed resolved after {minutes} minutes without a word from the customer"


# Settings.


def _clean_threshold(value, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{field} must be a number from 0 to 1, or empty for the default.", field=field
        ) from None
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{field} must be from 0 to 1 (it is {value}).", field=field)
    return value


def _clean_settings(fields: dict) -> dict:
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
    clean = {}
    if "enabled" in fields:
        if not isinstance(fields["enabled"], bool):
            raise InvalidInput("enabled must be true or false.", field="enabled")
        clean["enabled"] = fields["enabled"]
    if "assume_resolved_after_minutes" in fields:
        minutes = fields["assume_resolved_after_minutes"]
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 1 <= minutes <= MAX_ASSUME_MINUTES
        ):
            raise InvalidInput(
                f"assume_resolved_after_minutes must be a whole number from 1 to {MAX_ASSUME_MINUTES} (a week).",
                field="assume_resolved_after_minutes",
            )
        clean["assume_resolved_after_minutes"] = minutes
    for name in ("answer_threshold", "suggest_threshold"):
        if name in fields:
            clean[name] = _clean_threshold(fields[name], name)
    if "channels" in fields:
        channels = fields["channels"]
        if not isinstance(channels, list | tuple) or any(
            c not in event_types.CONVERSATION_CHANNELS for c in channels
        ):
            raise InvalidInput(
                f"channels must be a list of {', '.join(event_types.CONVERSATION_CHANNELS)}.",
                field="channels",
            )
        clean["channels"] = sorted(set(channels), key=event_types.CONVERSATION_CHANNELS.index)
    return clean


def save_bot_settings(workspace: Workspace, *, actor: Actor = SYSTEM, **fields) -> BotSettings:
    """Change the bot's settings (the row is made on the first save); audited with the fields that
    changed. A suggestion threshold above the answer threshold would suggest what it answers: refused."""
    clean = _clean_settings(fields)
    with transaction.atomic():
        found = BotSettings.objects.select_for_update().filter(workspace=workspace).first()
        row = found or selectors.bot_settings(workspace)
        before = field_values(row, SETTINGS_FIELDS)
        for name, value in clean.items():
            setattr(row, name, value)
        engine = selectors.engine_settings(row)
        if engine.suggest_threshold > engine.answer_threshold:
            raise InvalidInput(
                "suggest_threshold must not be above answer_threshold (the bot answers before it suggests).",
                field="suggest_threshold",
            )
        changes = changed_fields(before, field_values(row, SETTINGS_FIELDS))
        if not changes:
            return row  # nothing to record: the defaults stay defaults without a row
        row.save()
        record_audit(workspace, "bot_settings.changed", actor=actor, target=row, changes=changes)
    return row


# Answering a new conversation.


def _teammate_has_replied(conversation: Conversation) -> bool:
    return conversation.parts.filter(kind=Part.Kind.COMMENT, author_type=Part.Author.TEAMMATE).exists()


def should_answer(conversation: Conversation, settings: BotSettings, at: datetime) -> bool:
    return (
        settings.enabled
        and at - conversation.created_at <= STALE_AFTER
        and conversation.initiator == Conversation.Initiator.CONTACT
        and conversation.channel in settings.channels
        and conversation.state == Conversation.State.OPEN
        and not conversation.bot_answered
        and not _teammate_has_replied(conversation)
        and not BotQuestion.objects.filter(conversation=conversation).exists()
    )


def first_question(conversation: Conversation) -> str:
    first = (
        conversation.parts.filter(kind=Part.Kind.COMMENT, author_type=Part.Author.CONTACT)
        .order_by("created_at", "id")
        .first()
    )
    text = message_text(first.body) if first else ""
    return (text or conversation.subject).strip()[: selectors.MAX_QUESTION_LENGTH]


def locale_of_contact(conversation: Conversation) -> str:
    """The contact's language, else the workspace's default (a malformed one is ignored)."""
    locale = conversation.contact.locale
    if locale:
        try:
            return validate_locale_name(locale)
        except InvalidInput:
            pass
    return conversation.workspace.locale or "en"


def _article_link(library, workspace: Workspace, slug: str, locale: str) -> str:
    article_locale, title = library.article(slug, locale)
    return f"[{title}]({selectors.article_url(workspace, article_locale, slug)})"


def answer_body(library, workspace: Workspace, verdict: Verdict, locale: str) -> str:
    """The message the customer reads (Markdown): the excerpt and its article, or the suggestions."""
    if verdict.answer is not None:
        link = _article_link(library, workspace, verdict.answer.slug, locale)
        return f"{verdict.answer.excerpt.strip()}\n\nRead more: {link}\n\nDid that help?"
    links = "\n".join(f"- {_article_link(library, workspace, slug, locale)}" for slug in verdict.suggestions)
    return f"These articles may answer your question:\n\n{links}\n\nDid that help?"


def answer_conversation(conversation: Conversation, *, at: datetime | None = None) -> BotQuestion | None:
    """Look for the article section that answers the conversation's first message, in the contact's
    language, and answer, suggest or stay silent (docs/bot.md). Does nothing when the bot is off for
    it, or the conversation was already answered, replied to by a teammate or closed."""
    at = at or timezone.now()
    workspace = conversation.workspace
    settings = selectors.bot_settings(workspace)
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .select_related("workspace", "contact")
            .get(pk=conversation.pk)
        )
        if not should_answer(conversation, settings, at):
            return None
        question = first_question(conversation)
        locale = locale_of_contact(conversation)
        library = selectors.library_of(workspace)
        verdict = (
            library.engine.ask(question, locale, selectors.engine_settings(settings))
            if question
            else Verdict(None, [])
        )
        row = BotQuestion(
            workspace=workspace,
            conversation=conversation,
            channel=conversation.channel,
            question=question,
            locale=locale,
            asked_at=at,
            outcome=Outcome.NONE,
            verdict=Verdicts.UNANSWERED,
        )
        if verdict.answer is not None or verdict.suggestions:
            _deliver(row, library, verdict, settings, at)
        row.save()
        if row.outcome == Outcome.PENDING:
            _schedule_assumed_resolution(row, at + timedelta(minutes=settings.assume_resolved_after_minutes))
    return row


def _deliver(row: BotQuestion, library, verdict: Verdict, settings: BotSettings, at: datetime) -> None:
    answer = verdict.answer
    row.verdict = Verdicts.ANSWERED if answer else Verdicts.SUGGESTED
    row.article = answer.slug if answer else ""
    row.section = answer.section if answer else None
    row.confidence = answer.confidence if answer else None
    row.suggestions = list(verdict.suggestions)
    row.outcome = Outcome.PENDING
    data = {
        "article": row.article or None,
        "section": row.section,
        "confidence": row.confidence,
        "suggestions": row.suggestions,
        "buttons": list(BUTTONS),
        "assume_resolved_after_minutes": settings.assume_resolved_after_minutes,
    }
    body = answer_body(library, row.conversation.workspace, verdict, row.locale)
    row.part = conversations.deliver_bot_answer(row.conversation, body, at=at, data=data)


def _schedule_assumed_resolution(row: BotQuestion, due: datetime) -> None:
    from concierge.bot.tasks import assume_resolved_task  # here: bot.tasks imports this module

    enqueue_with_change(assume_resolved_task, row.pk, due.isoformat(), run_after=due)


# The customer's answer, or their silence.


def _locked_question(question: BotQuestion) -> BotQuestion:
    return (
        BotQuestion.objects.select_for_update()
        .select_related("conversation", "conversation__workspace", "conversation__contact")
        .get(pk=question.pk)
    )


def record_feedback(question: BotQuestion, *, helped: bool, at: datetime | None = None) -> BotQuestion:
    """ "That helped" closes the conversation by the bot (confirmed); "Talk to a person" hands it to the
    team at once. Pressing the same button again changes nothing; the other one, once decided, is a
    Conflict."""
    at = at or timezone.now()
    with transaction.atomic():
        question = _locked_question(question)
        wanted = Outcome.CONFIRMED if helped else Outcome.HANDED_OVER
        if question.outcome == wanted and (helped or question.handover_reason == ASKED_FOR_PERSON):
            return question
        if question.outcome != Outcome.PENDING:
            raise Conflict(_already_decided(question))
        if question.conversation.state == Conversation.State.CLOSED:
            raise Conflict("The conversation is closed; write a message to open it again.")
        if helped:
            conversations.close_conversation(question.conversation, by="bot", reason=CONFIRMED_REASON, at=at)
        else:
            conversations.hand_over_to_team(question.conversation, reason=ASKED_FOR_PERSON, at=at)
            question.handover_reason = ASKED_FOR_PERSON
        question.outcome = wanted
        question.outcome_at = at
        question.save(update_fields=["outcome", "outcome_at", "handover_reason"])
    return question


def _already_decided(question: BotQuestion) -> str:
    if question.outcome == Outcome.NONE:
        return "The bot did not answer in this conversation; there is nothing to confirm."
    if question.outcome == Outcome.CONFIRMED:
        return "The customer already said the answer helped; the conversation was closed."
    if question.outcome == Outcome.ASSUMED:
        return "The conversation was already closed as resolved; write a message to open it again."
    return f"The conversation is already with the team ({question.handover_reason})."


def assume_resolved(question_id: int, *, due: datetime) -> bool:
    """Close by the bot a conversation whose customer said nothing since the answer, `due` being the
    answer's time plus the setting. Safe to run twice; does nothing once the customer wrote, pressed a
    button, a teammate replied or it was closed. True when it closed it."""
    with transaction.atomic():
        question = BotQuestion.objects.filter(pk=question_id).first()
        if question is None:
            return False
        question = _locked_question(question)
        conversation = question.conversation
        if question.outcome != Outcome.PENDING or conversation.state == Conversation.State.CLOSED:
            return False
        if conversation.parts.filter(
            kind=Part.Kind.COMMENT, created_at__gte=question.asked_at, author_type__in=["contact", "teammate"]
        ).exists():
            return False
        minutes = round((due - question.asked_at).total_seconds() / 60)
        conversations.close_conversation(conversation, by="bot", reason=assumed_reason(minutes), at=due)
        question.outcome = Outcome.ASSUMED
        question.outcome_at = due
        question.save(update_fields=["outcome", "outcome_at"])
    return True


def note_contact_wrote_again(workspace_id: int, conversation_id: int, at: datetime) -> None:
    """A customer who writes after the answer, without pressing a button, wants the team."""
    BotQuestion.objects.filter(
        workspace_id=workspace_id, conversation_id=conversation_id, outcome=Outcome.PENDING
    ).update(outcome=Outcome.HANDED_OVER, outcome_at=at, handover_reason=WROTE_AGAIN)


def note_reopened_after_bot_close(workspace_id: int, conversation_id: int, at: datetime) -> None:
    """Reopened after the bot closed it: no longer resolved by the bot (the report's rule)."""
    BotQuestion.objects.filter(
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        outcome__in=[Outcome.CONFIRMED, Outcome.ASSUMED],
        reopened_at__isnull=True,
    ).update(reopened_at=at)
