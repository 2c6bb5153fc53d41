"""The automated-answer engine: given a customer's question and locale, the help-center section that
answers it, a few articles worth suggesting, or silence (docs/decisions/answers-engine.md).

Index once per workspace content version (`build_engine`), ask many times (`AnswerEngine.ask`). Each
language's sections are indexed apart; a question is only ever answered from its own language.

How a question is scored, per section of the customer's language:
- lexical: BM25 (bm25s) over the title, heading and text, stemmed, without stop words, after
  correcting the question's typos against the help center's vocabulary (rapidfuzz), normalised by
  what the question could score at most, so it reads as "how much of what was asked is covered"; a
  word the help center never uses still counts in that maximum, which is what keeps "how do I set up
  a webhook" from looking covered;
- semantic: cosine similarity of static word embeddings (wordllama, its weights inside its wheel);
- the two fused; an article scores as its best section. Confidence is a logistic function of the
  best article's fused score, its margin over the runner-up and the share of the question the help
  center does not know, fitted on a development set and checked by cross-validation.
"""

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import bm25s
import numpy as np
import Stemmer
from rapidfuzz import fuzz, process

# bm25s sets its own logger to DEBUG when imported; an index built per workspace is no news.
logging.getLogger("bm25s").setLevel(logging.WARNING)

from concierge.bot.languages import (  # noqa: E402
    LanguageRules,
    asks_for_a_person,
    folded_words,
    is_small_talk,
    language_of,
    rules_for,
)
from concierge.core.embeddings import word_embeddings  # noqa: E402


@dataclass(frozen=True)
class AnswerSection:
    """One `##` section of a published article (heading None: the text before the first `##`)."""

    slug: str
    locale: str
    title: str
    collection: str
    heading: str | None
    text: str  # Markdown


@dataclass(frozen=True)
class EngineSettings:
    """A workspace's settings. Answer at or above answer_threshold; under it, suggest the articles at
    or above suggest_threshold. Defaults: docs/decisions/answers-engine.md."""

    answer_threshold: float = 0.5
    suggest_threshold: float = 0.2


@dataclass(frozen=True)
class Answer:
    slug: str
    section: str | None
    confidence: float  # 0.0–1.0, calibrated: higher = surer
    excerpt: str  # a short answer (Markdown) taken from the section


@dataclass(frozen=True)
class Verdict:
    answer: Answer | None
    suggestions: list[str]  # up to 3 slugs, not including the answer's


SILENCE = Verdict(None, [])
MAX_SUGGESTIONS = 3
EXCERPT_LIMIT = 600  # characters: a chat bubble's worth, with the link to the article for the rest
BM25_K1, BM25_B = 1.2, 0.75
LEXICAL_WEIGHT = 0.5  # fused = LEXICAL_WEIGHT · lexical + (1 − LEXICAL_WEIGHT) · semantic
TITLE_REPEATS = (
    2  # the title and heading say what a section is about: they weigh more than a word of its text
)
INTRO_WEIGHT = 0.85
TYPO_MIN_LENGTH = 4  # shorter words are too often a real word of another meaning
TYPO_MIN_SIMILARITY = 80  # rapidfuzz ratio, 0–100
# Confidence = logistic(bias + Σ weight · feature), fitted by benchmarks/answers.py --fit.
CONFIDENCE_WEIGHTS = {"bias": -2.73, "fused": 9.72, "margin": 18.65, "unknown": -0.95}


@dataclass(frozen=True)
class Candidate:
    """An article's standing for one question: its best section and the signals behind it."""

    slug: str
    section: AnswerSection
    lexical: float
    semantic: float
    fused: float


@dataclass(frozen=True)
class Ranking:
    candidates: list[Candidate]  # best first, one per article
    unknown: float  # share of the question's weight in words the help center never uses

    @property
    def margin(self) -> float:
        if not self.candidates:
            return 0.0
        runner_up = self.candidates[1].fused if len(self.candidates) > 1 else 0.0
        return self.candidates[0].fused - runner_up

    def features(self) -> dict[str, float]:
        fused = self.candidates[0].fused if self.candidates else 0.0
        return {"fused": fused, "margin": self.margin, "unknown": self.unknown}


def confidence_from(features: dict[str, float], weights: dict[str, float] = CONFIDENCE_WEIGHTS) -> float:
    logit = weights["bias"] + sum(weights[name] * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


class Stems:
    def __init__(self, rules: LanguageRules):
        self.rules = rules
        self._stemmer = Stemmer.Stemmer(rules.stemmer) if rules.stemmer else None

    def content_words(self, text: str) -> list[str]:
        return [word for word in folded_words(text) if word not in self.rules.stop_words]

    def of(self, words: list[str]) -> list[str]:
        return self._stemmer.stemWords(words) if self._stemmer else list(words)


class LanguageIndex:
    """The sections of one language, indexed for BM25 and embedded."""

    def __init__(self, sections: list[AnswerSection], rules: LanguageRules):
        self.sections = sections
        self.stems = Stems(rules)
        documents = [self.stems.of(self.stems.content_words(_indexed_text(section))) for section in sections]
        self.vocabulary = {
            word for section in sections for word in self.stems.content_words(_indexed_text(section))
        }
        self._vocabulary_list = sorted(self.vocabulary)
        document_frequency = Counter(stem for document in documents for stem in set(document))
        count = len(documents)
        self.idf = {stem: _idf(frequency, count) for stem, frequency in document_frequency.items()}
        self.unknown_idf = _idf(0, count)
        self.bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self.bm25.index(documents, show_progress=False)
        self._term_ids = self.bm25.vocab_dict
        self.embeddings = word_embeddings().embed(
            [_embedded_text(section) for section in sections], norm=True
        )

    def corrected(self, words: list[str]) -> list[str]:
        """Each word the help center does not use replaced by its closest word that it does, if close."""
        corrected = []
        for word in words:
            if word in self.vocabulary or len(word) < TYPO_MIN_LENGTH or word.isdigit():
                corrected.append(word)
                continue
            match = process.extractOne(
                word, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SIMILARITY
            )
            corrected.append(match[0] if match else word)
        return corrected

    def rank(self, question: str) -> Ranking:
        words = self.corrected(self.stems.content_words(question))
        stems = self.stems.of(words)
        if not stems:
            return Ranking([], 1.0)
        weights = [self.idf.get(stem, self.unknown_idf) for stem in stems]
        total = sum(weights)
        unknown = sum(w for stem, w in zip(stems, weights, strict=True) if stem not in self.idf) / total
        known = [stem for stem in stems if stem in self._term_ids]
        # One unknown word's weight more than was typed: a one- or two-word message, fully matched, is
        # not yet a question that is fully covered.
        lexical = (
            self.bm25.get_scores(known) / (total + self.unknown_idf)
            if known
            else np.zeros(len(self.sections))
        )
        lexical = np.clip(lexical, 0.0, 1.0)
        query = word_embeddings().embed([" ".join(words) or question], norm=True)[0]
        semantic = np.clip(self.embeddings @ query, 0.0, 1.0)
        fused = LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * semantic
        return Ranking(self._best_per_article(lexical, semantic, fused), unknown)

    def _best_per_article(self, lexical, semantic, fused) -> list[Candidate]:
        """Articles ranked by their best section's fused score. Within an article the section answered
        with is the best by words alone (an article's sections share its topic: the embeddings, averaged
        over a section, tell them apart less well than the words they use), the intro discounted (it
        introduces the article; answers sit in its sections)."""
        answering = lexical * np.array([1.0 if s.heading else INTRO_WEIGHT for s in self.sections])
        best: dict[str, Candidate] = {}
        article_score: dict[str, float] = {}
        for position in np.argsort(-answering, kind="stable"):
            section = self.sections[position]
            article_score[section.slug] = max(article_score.get(section.slug, 0.0), float(fused[position]))
            if section.slug not in best:
                best[section.slug] = Candidate(
                    section.slug, section, float(lexical[position]), float(semantic[position]), 0.0
                )
        ranked = [replace(candidate, fused=article_score[slug]) for slug, candidate in best.items()]
        return sorted(ranked, key=lambda candidate: -candidate.fused)


def _idf(frequency: int, count: int) -> float:
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))


def _indexed_text(section: AnswerSection) -> str:
    heading = section.heading or ""
    return " ".join([section.title, heading] * TITLE_REPEATS + [section.text])


def _embedded_text(section: AnswerSection) -> str:
    return f"{section.title}. {section.heading or ''}. {section.text}"


class AnswerEngine:
    def __init__(self, sections: Sequence[AnswerSection]):
        by_language: dict[str, list[AnswerSection]] = {}
        for section in sections:
            by_language.setdefault(language_of(section.locale), []).append(section)
        self._indexes = {
            language: LanguageIndex(language_sections, rules_for(language))
            for language, language_sections in by_language.items()
        }

    def rank(self, question: str, locale: str) -> Ranking | None:
        """The articles of the customer's language ranked for the question; None when the help center
        has nothing in that language or the message is small talk or asks for a person."""
        language = language_of(locale)
        index = self._indexes.get(language)
        rules = rules_for(language)
        if index is None or is_small_talk(question, rules) or asks_for_a_person(question, rules):
            return None
        return index.rank(question)

    def ask(self, question: str, locale: str, settings: EngineSettings = EngineSettings()) -> Verdict:
        ranking = self.rank(question, locale)
        if ranking is None or not ranking.candidates:
            return SILENCE
        confidence = confidence_from(ranking.features())
        best = ranking.candidates[0]
        if confidence >= settings.answer_threshold:
            answer = Answer(best.slug, best.section.heading, confidence, excerpt_of(best.section))
            others = ranking.candidates[1:]
        else:
            answer, others = None, ranking.candidates
        suggestions = [
            candidate.slug
            for candidate in others
            if confidence_from(_features_as_if_best(candidate, ranking)) >= settings.suggest_threshold
        ]
        return Verdict(answer, suggestions[:MAX_SUGGESTIONS])


def _features_as_if_best(candidate: Candidate, ranking: Ranking) -> dict[str, float]:
    return {"fused": candidate.fused, "margin": 0.0, "unknown": ranking.unknown}


def excerpt_of(section: AnswerSection, limit: int = EXCERPT_LIMIT) -> str:
    """The section's opening blocks (paragraphs, lists) that fit in `limit` characters; a first block
    longer than that is cut after its last whole sentence, or word, that fits."""
    blocks = [block.strip() for block in section.text.split("\n\n") if block.strip()]
    taken: list[str] = []
    for block in blocks:
        if taken and len("\n\n".join([*taken, block])) > limit:
            break
        taken.append(block)
    excerpt = "\n\n".join(taken)
    if len(excerpt) <= limit:
        return excerpt
    cut = excerpt[:limit]
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence_end > limit // 2:
        return cut[: sentence_end + 1]
    return cut.rsplit(" ", 1)[0] + " …"


def build_engine(sections: Sequence[AnswerSection]) -> AnswerEngine:
    """Index a workspace's published sections (all locales) once; ask it many questions."""
    return AnswerEngine(sections)


def verdict_as_json(verdict: Verdict) -> dict:
    answer = verdict.answer
    return {
        "answer": None
        if answer is None
        else {"article": answer.slug, "section": answer.section, "confidence": round(answer.confidence, 3)},
        "suggestions": list(verdict.suggestions),
    }
