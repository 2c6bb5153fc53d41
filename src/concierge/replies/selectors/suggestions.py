"""What the composer suggests while a teammate reads a conversation: the saved replies and help
articles (internal ones too) closest to the customer's last message.

Closeness is the bot's and the coach's kind: the content words the message shares with a candidate
(stemmed, in the message's language where the coach has rules for it), and the cosine of static word
embeddings (core.embeddings) of the two texts. A candidate must share at least one content word or be
close in meaning (EMBEDDING_FLOOR), score at least MIN_SCORE, and come near the best one
(NEAR_THE_BEST) to be shown at all; a greeting or a thank-you shows nothing.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy

from concierge.conversations.models import Conversation, Part
from concierge.core.embeddings import word_embeddings
from concierge.core.text import message_text
from concierge.helpcenter.models import ArticleTranslation
from concierge.replies.coach.languages import rules_for
from concierge.replies.coach.similarity import content_stems, folded_words
from concierge.replies.selectors.saved_replies import version_for, visible_saved_replies
from concierge.workspaces.models import Teammate

SHOWN = 3  # of each kind
MAX_CANDIDATES = 300  # of each kind, the most used replies / the latest articles
MIN_SCORE = 0.2
EMBEDDING_FLOOR = 0.4  # without a shared word, this close in meaning at least
NEAR_THE_BEST = 0.7  # a runner-up is shown when it scores at least this share of the best
WORDS_WEIGHT = 0.5


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "saved_reply" or "article"
    object_id: int
    title: str
    excerpt: str
    score: float
    internal: bool = False
    locale: str = ""


@dataclass(frozen=True)
class Suggestions:
    message: str  # the customer's last message, as text ("" when there is none)
    replies: list[Suggestion]
    articles: list[Suggestion]


def last_customer_message(conversation: Conversation) -> str:
    part = (
        Part.objects.filter(
            conversation=conversation, author_type=Part.Author.CONTACT, kind=Part.Kind.COMMENT
        )
        .order_by("-created_at", "-id")
        .only("body")
        .first()
    )
    return message_text(part.body) if part else ""


def _stems(text: str, locale: str) -> set[str]:
    rules = rules_for(locale) or rules_for("en")
    return content_stems(text, rules)


# A candidate's stems and vector depend on its text alone: kept between requests, so a conversation
# opened costs the customer's message's work, not every saved reply's and article's again.
CACHED_CANDIDATES = 5000


@lru_cache(maxsize=CACHED_CANDIDATES)
def _candidate_stems(text: str, locale: str) -> frozenset[str]:
    return frozenset(_stems(text, locale))


class _Vectors:
    """The candidates' embeddings by text, the least recently used dropped past CACHED_CANDIDATES."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, numpy.ndarray] = OrderedDict()

    def of(self, texts: list[str]) -> numpy.ndarray:
        with self._lock:  # one request's misses embedded at once; hits cost a lookup
            missing = [text for text in dict.fromkeys(texts) if text not in self._kept]
            if missing:
                self._kept.update(zip(missing, word_embeddings().embed(missing, norm=True), strict=True))
            for text in texts:
                self._kept.move_to_end(text)
            rows = numpy.stack([self._kept[text] for text in texts])
            while len(self._kept) > CACHED_CANDIDATES:
                self._kept.popitem(last=False)
        return rows


_vectors = _Vectors()


def rank(message: str, candidates: list[tuple[str, str]], locale: str) -> list[tuple[int, float]]:
    """(index, score) of the candidates (title, text) that are close enough to the message, best first."""
    asked = _stems(message, locale)
    if not asked or not candidates:
        return []
    texts = [f"{title}. {title}. {body}"[:2000] for title, body in candidates]
    asked_vector = word_embeddings().embed([" ".join(folded_words(message))], norm=True)[0]
    cosines = _vectors.of(texts) @ asked_vector
    ranked = []
    for index, (title, body) in enumerate(candidates):
        shared = len(asked & _candidate_stems(f"{title} {body}", locale)) / len(asked)
        cosine = float(numpy.clip(cosines[index], 0.0, 1.0))
        if shared == 0 and cosine < EMBEDDING_FLOOR:
            continue
        score = WORDS_WEIGHT * shared + (1 - WORDS_WEIGHT) * cosine
        if score >= MIN_SCORE:
            ranked.append((index, score))
    ranked.sort(key=lambda pair: -pair[1])
    return [pair for pair in ranked if pair[1] >= NEAR_THE_BEST * ranked[0][1]]


def suggestions_for(conversation: Conversation, teammate: Teammate, *, shown: int = SHOWN) -> Suggestions:
    message = last_customer_message(conversation)
    workspace = conversation.workspace
    locale = conversation.contact.locale or workspace.locale
    if not message.strip():
        return Suggestions(message="", replies=[], articles=[])
    replies = list(visible_saved_replies(workspace, teammate).order_by("-usage_count", "id")[:MAX_CANDIDATES])
    texts = []
    for reply in replies:
        version = version_for(reply, locale, workspace.locale)
        texts.append((reply.title, version.body if version else ""))
    found_replies = [
        Suggestion("saved_reply", replies[i].pk, replies[i].title, " ".join(texts[i][1].split())[:140], score)
        for i, score in rank(message, texts, locale)[:shown]
    ]
    translations = list(
        ArticleTranslation.objects.filter(workspace=workspace, state=ArticleTranslation.State.PUBLISHED)
        .select_related("article")
        .order_by("-updated_at", "-id")[: MAX_CANDIDATES * 2]
    )
    chosen: dict[int, ArticleTranslation] = {}
    base = locale.split("-")[0].split("_")[0]
    for translation in translations:  # one translation per article: the contact's language, else any
        current = chosen.get(translation.article_id)
        if current is None or (
            translation.locale.split("-")[0] == base and current.locale.split("-")[0] != base
        ):
            chosen[translation.article_id] = translation
    articles = list(chosen.values())[:MAX_CANDIDATES]
    article_texts = [(t.title, t.summary + " " + message_text(t.body_html)) for t in articles]
    found_articles = [
        Suggestion(
            "article",
            articles[i].article_id,
            articles[i].title,
            (articles[i].summary or " ".join(article_texts[i][1].split()))[:140],
            score,
            internal=articles[i].article.visibility == "internal",
            locale=articles[i].locale,
        )
        for i, score in rank(message, article_texts, locale)[:shown]
    ]
    return Suggestions(message=message, replies=found_replies, articles=found_articles)
