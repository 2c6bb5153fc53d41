"""The bot's reads: its settings, the engine built from the workspace's published articles, and what it
did (for the bot page). Every read takes the workspace first."""

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db.models import QuerySet

from concierge.bot.engine import AnswerEngine, AnswerSection, EngineSettings, Verdict, build_engine
from concierge.bot.languages import language_of
from concierge.bot.models import DEFAULT_ASSUME_RESOLVED_MINUTES, BotQuestion, BotSettings, default_channels
from concierge.core.errors import InvalidInput, NotFound
from concierge.core.zones import validate_locale_name
from concierge.helpcenter.selectors.articles import content_version, published_sections
from concierge.workspaces.models import Workspace

MAX_QUESTION_LENGTH = 2000

Outcome = BotQuestion.Outcome
Verdicts = BotQuestion.Verdict


def bot_settings(workspace: Workspace) -> BotSettings:
    """The workspace's settings, or the defaults (unsaved) until an admin first saves them."""
    found = BotSettings.objects.filter(workspace=workspace).first()
    return found or BotSettings(
        workspace=workspace,
        enabled=True,
        assume_resolved_after_minutes=DEFAULT_ASSUME_RESOLVED_MINUTES,
        channels=default_channels(),
    )


def engine_settings(found: BotSettings) -> EngineSettings:
    defaults = EngineSettings()
    return EngineSettings(
        answer_threshold=defaults.answer_threshold
        if found.answer_threshold is None
        else found.answer_threshold,
        suggest_threshold=defaults.suggest_threshold
        if found.suggest_threshold is None
        else found.suggest_threshold,
    )


@dataclass(frozen=True)
class Library:
    """A workspace's engine with the articles' titles, for one content version."""

    version: str
    engine: AnswerEngine
    titles: dict[tuple[str, str], tuple[str, str]] = field(
        default_factory=dict
    )  # (slug, language) -> (locale, title)

    def article(self, slug: str, locale: str) -> tuple[str, str]:
        """The article's (locale, title) in the question's language."""
        return self.titles.get((slug, language_of(locale)), (locale, slug))


_libraries: dict[int, Library] = {}
_libraries_lock = threading.Lock()


def library_of(workspace: Workspace) -> Library:
    """Built once per process for each content version: indexing costs far more than asking."""
    version = content_version(workspace)
    cached = _libraries.get(workspace.pk)
    if cached is not None and cached.version == version:
        return cached
    sections = published_sections(workspace)
    library = Library(
        version=version,
        engine=build_engine(
            [AnswerSection(s.slug, s.locale, s.title, s.collection, s.heading, s.text) for s in sections]
        ),
        titles={(s.slug, language_of(s.locale)): (s.locale, s.title) for s in sections},
    )
    with _libraries_lock:
        _libraries[workspace.pk] = library
    return library


def has_published_answers(workspace: Workspace) -> bool:
    """Whether the workspace has any published article the bot could answer from."""
    return bool(library_of(workspace).titles)


def clean_question(question) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InvalidInput("question is required: the words a customer would write.", field="question")
    question = question.strip()
    if len(question) > MAX_QUESTION_LENGTH:
        raise InvalidInput(
            f"question is {len(question)} characters long; at most {MAX_QUESTION_LENGTH} are read.",
            field="question",
        )
    return question


def clean_locale(locale, workspace: Workspace) -> str:
    if locale is None or (isinstance(locale, str) and not locale.strip()):
        return workspace.locale or "en"
    if not isinstance(locale, str):
        raise InvalidInput("locale must be a language tag such as 'en' or 'pt-BR'.", field="locale")
    return validate_locale_name(locale.strip())


def ask(workspace: Workspace, question: str, locale: str | None = None) -> Verdict:
    """What the bot would do with this question, with the workspace's articles and settings: the same
    call for a customer's conversation, the bot page's preview, the API and the command."""
    question = clean_question(question)
    locale = clean_locale(locale, workspace)
    return library_of(workspace).engine.ask(question, locale, engine_settings(bot_settings(workspace)))


def article_url(workspace: Workspace, locale: str, slug: str) -> str:
    """The public help center's page of an article (the one place this address is built)."""
    return f"{django_settings.PUBLIC_URL}/help/{workspace.slug}/{locale}/articles/{slug}/"


def question_of_conversation(workspace: Workspace, conversation_id: int) -> BotQuestion | None:
    return (
        BotQuestion.objects.filter(workspace=workspace, conversation_id=conversation_id)
        .select_related("conversation")
        .first()
    )


def question_of_contact(workspace: Workspace, contact, conversation_id: int) -> BotQuestion:
    """The bot's answer in one of the contact's own conversations; anyone else's is a NotFound."""
    found = (
        BotQuestion.objects.filter(
            workspace=workspace, conversation_id=conversation_id, conversation__contact=contact
        )
        .select_related("conversation", "conversation__workspace", "conversation__contact")
        .first()
    )
    if found is None:
        raise NotFound(f"No automated answer in conversation {conversation_id} for this contact.")
    return found


# The bot page's figures.


@dataclass(frozen=True)
class Figures:
    answered: int
    confirmed: int
    assumed: int
    handed_over: int
    reopened: int
    unanswered: int

    @property
    def resolved(self) -> int:
        """Bot-resolved as the report counts it: closed by the bot and not reopened since."""
        return self.confirmed + self.assumed

    @property
    def resolution_rate(self) -> float | None:
        return round(self.resolved / self.answered, 4) if self.answered else None


def period_bounds(workspace: Workspace, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[from 00:00, to+1 00:00) in the workspace's zone, as the funnel report's periods are."""
    zone = ZoneInfo(workspace.timezone or "UTC")
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def questions_in(workspace: Workspace, date_from: date, date_to: date) -> QuerySet[BotQuestion]:
    start, end = period_bounds(workspace, date_from, date_to)
    return BotQuestion.objects.filter(workspace=workspace, asked_at__gte=start, asked_at__lt=end)


def figures_of(rows) -> Figures:
    rows = list(rows)
    delivered = [row for row in rows if row.verdict != Verdicts.UNANSWERED]
    still_closed = [row for row in delivered if row.reopened_at is None]
    return Figures(
        answered=len(delivered),
        confirmed=sum(1 for row in still_closed if row.outcome == Outcome.CONFIRMED),
        assumed=sum(1 for row in still_closed if row.outcome == Outcome.ASSUMED),
        handed_over=sum(1 for row in delivered if row.outcome == Outcome.HANDED_OVER),
        reopened=sum(1 for row in delivered if row.reopened_at is not None),
        unanswered=len(rows) - len(delivered),
    )


def bot_figures(workspace: Workspace, date_from: date, date_to: date) -> Figures:
    """The bot's conversations started in the period (by when the question was asked)."""
    rows = questions_in(workspace, date_from, date_to).only("verdict", "outcome", "reopened_at", "asked_at")
    return figures_of(rows)


def figures_per_day(workspace: Workspace, date_from: date, date_to: date) -> list[tuple[date, Figures]]:
    zone = ZoneInfo(workspace.timezone or "UTC")
    by_day: dict[date, list[BotQuestion]] = {}
    for row in questions_in(workspace, date_from, date_to).only(
        "verdict", "outcome", "reopened_at", "asked_at"
    ):
        by_day.setdefault(row.asked_at.astimezone(zone).date(), []).append(row)
    days = (date_to - date_from).days + 1
    return [
        (day, figures_of(by_day.get(day, [])))
        for day in (date_from + timedelta(days=offset) for offset in range(days))
    ]


def recent_questions(
    workspace: Workspace, date_from: date, date_to: date, *, answered: bool, limit: int = 20
) -> list[BotQuestion]:
    rows = questions_in(workspace, date_from, date_to).select_related("conversation")
    unanswered = {"verdict": Verdicts.UNANSWERED}
    rows = rows.exclude(**unanswered) if answered else rows.filter(**unanswered)
    return list(rows.order_by("-asked_at", "-id")[:limit])
