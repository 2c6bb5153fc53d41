"""Automated answers: how often the engine picks the right article, stays quiet when it should and
finds the right section, beside plain BM25 over the same articles; thresholds cross-validated; build
time and per-question latency.

The corpus directory holds `articles/<slug>.md` (YAML front matter: title, collection, locale; the
body cut into `##` sections) and `questions.jsonl` (id, question, locale, expected slug or null,
section heading or null, kind, hard). Three numbers, each with its count:
  top-1      answerable questions answered with the expected article (silence counts as wrong)
  silence    should-abstain questions left unanswered (any article counts as wrong)
  section    answerable questions with a section, answered with the right article and heading

Run it:
  .venv/bin/python benchmarks/answers.py --corpus DIR            # the figures for docs/benchmarks.md
  .venv/bin/python benchmarks/answers.py --corpus DIR --fit      # refit the confidence weights

Cross-validation: the questions are cut in k folds (stratified by answerable or not, seeded); for
each fold the confidence weights are fitted on the other folds and the fold is scored with them, so
every question is scored by weights that never saw it. Plain BM25's silence threshold is chosen the
same way (the best balanced accuracy on the other folds).
"""

import argparse
import json
import logging
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import bm25s
import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
# wordllama configures the root logger when imported unless it already is: keep the libraries quiet.
logging.basicConfig(level=logging.WARNING)

from concierge.bot import engine as engine_module  # noqa: E402
from concierge.bot.engine import (  # noqa: E402
    CONFIDENCE_WEIGHTS,
    AnswerEngine,
    AnswerSection,
    EngineSettings,
    build_engine,
    confidence_from,
)
from concierge.bot.languages import language_of  # noqa: E402
from concierge.core.text import split_markdown_sections  # noqa: E402

FEATURES = ["fused", "margin", "unknown"]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    locale: str
    expected: str | None
    section: str | None
    kind: str
    hard: bool


@dataclass(frozen=True)
class Pick:
    """What a bot said to one question: an article and heading, or silence (slug None)."""

    slug: str | None
    section: str | None = None


def read_articles(corpus: Path) -> list[AnswerSection]:
    sections = []
    for path in sorted((corpus / "articles").glob("*.md")):
        _, front_matter, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front_matter)
        for part in split_markdown_sections(body):
            sections.append(
                AnswerSection(
                    path.stem, meta["locale"], meta["title"], meta["collection"], part.heading, part.text
                )
            )
    return sections


def read_questions(corpus: Path) -> list[Question]:
    questions = []
    for line in (corpus / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            questions.append(
                Question(
                    row["id"],
                    row["question"],
                    row["locale"],
                    row["expected"],
                    row["section"],
                    row["kind"],
                    bool(row.get("hard")),
                )
            )
    return questions


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, right: bool) -> None:
        self.right += right
        self.total += 1

    def __str__(self) -> str:
        if not self.total:
            return "—"
        return f"{100 * self.right / self.total:5.1f} % ({self.right}/{self.total})"


@dataclass
class Score:
    top1: Tally = field(default_factory=Tally)
    silence: Tally = field(default_factory=Tally)
    section: Tally = field(default_factory=Tally)
    groups: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def add(self, question: Question, pick: Pick) -> None:
        if question.expected is None:
            right = pick.slug is None
            self.silence.add(right)
        else:
            right = pick.slug == question.expected
            self.top1.add(right)
            if question.section is not None:
                self.section.add(right and (pick.section or "").strip() == question.section.strip())
        for group in (f"kind {question.kind}", f"locale {question.locale}", f"hard {question.hard}"):
            self.groups[group].add(right)

    @property
    def balanced(self) -> float:
        parts = [t.right / t.total for t in (self.top1, self.silence) if t.total]
        return sum(parts) / len(parts) if parts else 0.0


def score(questions: list[Question], pick: Callable[[Question], Pick]) -> Score:
    result = Score()
    for question in questions:
        result.add(question, pick(question))
    return result


# --- plain BM25 -------------------------------------------------------------------------------------


class PlainBM25:
    """bm25s as it comes: its own tokenizer (lower case, words of two letters or more, no stemming, no
    stop words), sections of the question's language indexed as title + heading + text, the best
    section's article when its raw score reaches the threshold."""

    def __init__(self, sections: list[AnswerSection]):
        self.by_language: dict[str, tuple[list[AnswerSection], bm25s.BM25]] = {}
        grouped: dict[str, list[AnswerSection]] = defaultdict(list)
        for section in sections:
            grouped[language_of(section.locale)].append(section)
        for language, items in grouped.items():
            texts = [f"{s.title} {s.heading or ''} {s.text}" for s in items]
            retriever = bm25s.BM25()
            retriever.index(bm25s.tokenize(texts, stopwords=None, show_progress=False), show_progress=False)
            self.by_language[language] = (items, retriever)

    def best(self, question: Question) -> tuple[AnswerSection | None, float]:
        entry = self.by_language.get(language_of(question.locale))
        if entry is None:
            return None, 0.0
        items, retriever = entry
        vocabulary = retriever.vocab_dict
        words = [
            w
            for w in bm25s.tokenize([question.text], stopwords=None, return_ids=False, show_progress=False)[0]
            if w in vocabulary
        ]
        if not words:
            return None, 0.0
        scores = retriever.get_scores(words)
        position = int(np.argmax(scores))
        return items[position], float(scores[position])


def plain_pick(best: tuple[AnswerSection | None, float], threshold: float) -> Pick:
    section, value = best
    if section is None or value < threshold:
        return Pick(None)
    return Pick(section.slug, section.heading)


def best_threshold(questions: list[Question], bests: dict[str, tuple], candidates: list[float]) -> float:
    return max(candidates, key=lambda t: score(questions, lambda q: plain_pick(bests[q.id], t)).balanced)


# --- the engine's confidence, fitted ------------------------------------------------------------------


def fit_logistic(rows: list[list[float]], labels: list[int], l2: float = 0.01) -> dict[str, float]:
    """Weights of a logistic regression (Newton's method, a little L2 against separation)."""
    x = np.hstack([np.ones((len(rows), 1)), np.array(rows, dtype=float)])
    y = np.array(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"bias": float(w[0]), **{name: float(value) for name, value in zip(FEATURES, w[1:], strict=True)}}


@dataclass(frozen=True)
class Ranked:
    features: dict[str, float] | None  # None: the rules kept quiet (small talk, a person, no article)
    slug: str | None
    section: str | None


def rank_all(engine: AnswerEngine, questions: list[Question]) -> dict[str, Ranked]:
    ranked = {}
    for question in questions:
        ranking = engine.rank(question.text, question.locale)
        if ranking is None or not ranking.candidates:
            ranked[question.id] = Ranked(None, None, None)
        else:
            best = ranking.candidates[0]
            ranked[question.id] = Ranked(ranking.features(), best.slug, best.section.heading)
    return ranked


def fit_on(questions: list[Question], ranked: dict[str, Ranked]) -> dict[str, float]:
    rows, labels = [], []
    for question in questions:
        entry = ranked[question.id]
        if entry.features is not None:
            rows.append([entry.features[name] for name in FEATURES])
            labels.append(int(question.expected is not None and entry.slug == question.expected))
    return fit_logistic(rows, labels)


def engine_pick(entry: Ranked, weights: dict[str, float], threshold: float) -> Pick:
    if entry.features is None or confidence_from(entry.features, weights) < threshold:
        return Pick(None)
    return Pick(entry.slug, entry.section)


def folds(questions: list[Question], k: int, seed: int) -> list[list[Question]]:
    """k folds, answerable and should-abstain questions spread evenly."""
    rng = random.Random(seed)
    answerable = [q for q in questions if q.expected is not None]
    abstain = [q for q in questions if q.expected is None]
    rng.shuffle(answerable)
    rng.shuffle(abstain)
    cut: list[list[Question]] = [[] for _ in range(k)]
    for position, question in enumerate(answerable + abstain):
        cut[position % k].append(question)
    return cut


def cross_validated(
    questions, ranked, bests, k: int, seeds: list[int], threshold: float
) -> dict[str, list[Score]]:
    results: dict[str, list[Score]] = {"engine": [], "bm25": []}
    candidates = sorted({round(v, 2) for _, v in bests.values()} | {0.0})
    for seed in seeds:
        engine_score, bm25_score = Score(), Score()
        for held_out in folds(questions, k, seed):
            training = [q for q in questions if q not in held_out]
            weights = fit_on(training, ranked)
            cutoff = best_threshold(training, bests, candidates)
            for question in held_out:
                engine_score.add(question, engine_pick(ranked[question.id], weights, threshold))
                bm25_score.add(question, plain_pick(bests[question.id], cutoff))
        results["engine"].append(engine_score)
        results["bm25"].append(bm25_score)
    return results


# --- timings ----------------------------------------------------------------------------------------


def grown(sections: list[AnswerSection], count: int) -> list[AnswerSection]:
    """`count` sections made from the corpus's, each copy under its own slug (a bigger help center)."""
    return [
        replace(sections[i % len(sections)], slug=f"{sections[i % len(sections)].slug}-{i // len(sections)}")
        for i in range(count)
    ]


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def latencies(engine: AnswerEngine, questions: list[Question], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            engine.ask(question.text, question.locale)
            times.append(time.perf_counter() - started)
    return sorted(times)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


# --- report -----------------------------------------------------------------------------------------


def print_score(name: str, result: Score) -> None:
    print(f"  {name:<34} top-1 {result.top1}   silence {result.silence}   section {result.section}")


def print_breakdown(engine: Score, bm25: Score) -> None:
    print(f"\n  {'group':<28} {'engine':<22} plain BM25")
    for group in sorted(engine.groups):
        print(f"  {group:<28} {engine.groups[group]!s:<22} {bm25.groups[group]}")


def mean_of(scores: list[Score], part: str) -> str:
    values = [getattr(s, part).right / getattr(s, part).total for s in scores if getattr(s, part).total]
    return (
        f"{100 * statistics.mean(values):5.1f} % (min {100 * min(values):.1f}, max {100 * max(values):.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, required=True, help="a directory with articles/ and questions.jsonl"
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--seeds", type=int, default=10, help="cross-validation repeats, each with its own folds"
    )
    parser.add_argument("--rounds", type=int, default=5, help="passes over the questions for the latency")
    parser.add_argument(
        "--fit", action="store_true", help="print confidence weights fitted on the whole corpus"
    )
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--lexical-weight",
        type=float,
        help="fuse with this weight instead of the engine's (1: words only, 0: embeddings only); "
        "compare the cross-validated figures, which refit the confidence for it",
    )
    arguments = parser.parse_args()

    if arguments.lexical_weight is not None:
        engine_module.LEXICAL_WEIGHT = arguments.lexical_weight
    sections = read_articles(arguments.corpus)
    questions = read_questions(arguments.corpus)
    settings = EngineSettings()
    print(
        f"Automated answers on {arguments.corpus.name}: {len(sections)} sections, {len(questions)} questions"
    )
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")

    engine = build_engine(sections)
    plain = PlainBM25(sections)
    ranked = rank_all(engine, questions)
    bests = {q.id: plain.best(q) for q in questions}

    if arguments.fit:
        print("weights fitted on all questions:", json.dumps(fit_on(questions, ranked)))
        return

    def pick(question: Question) -> Pick:
        answer = engine.ask(question.text, question.locale, settings).answer
        return Pick(answer.slug, answer.section) if answer else Pick(None)

    engine_score = score(questions, pick)
    plain_threshold = best_threshold(
        questions, bests, sorted({round(v, 2) for _, v in bests.values()} | {0.0})
    )
    bm25_score = score(questions, lambda q: plain_pick(bests[q.id], plain_threshold))
    bm25_always = score(questions, lambda q: plain_pick(bests[q.id], 0.0))
    print(
        f"\nFull set (engine: shipped weights {json.dumps(CONFIDENCE_WEIGHTS)}, answer at ≥ {settings.answer_threshold}):"
    )
    print_score("engine", engine_score)
    print_score(f"plain BM25, best threshold {plain_threshold}", bm25_score)
    print_score("plain BM25, never silent", bm25_always)
    print_breakdown(engine_score, bm25_score)

    seeds = list(range(arguments.seeds))
    cv = cross_validated(questions, ranked, bests, arguments.folds, seeds, settings.answer_threshold)
    print(f"\n{arguments.folds}-fold cross-validation, {len(seeds)} shuffles (mean, min, max over shuffles):")
    for name, label in (
        ("engine", "engine, weights refitted per fold"),
        ("bm25", "plain BM25, threshold per fold"),
    ):
        print(
            f"  {label:<36} top-1 {mean_of(cv[name], 'top1')}   silence {mean_of(cv[name], 'silence')}   "
            f"section {mean_of(cv[name], 'section')}"
        )

    if arguments.show_misses:
        for question in questions:
            got = pick(question)
            if (got.slug or None) != question.expected:
                print(
                    f"  miss {question.id} {question.kind:<15} {question.locale} got {got.slug} want {question.expected}: {question.text[:70]}"
                )

    print("\nTimings (medians):")
    for count in (30, 1000):
        corpus = grown(sections, count)
        seconds = median_seconds(lambda corpus=corpus: build_engine(corpus), 3 if count > 100 else 5)
        print(f"  build_engine, {count:>5} sections: {1000 * seconds:8.1f} ms")
    for count in (len(sections), 1000):
        big = build_engine(grown(sections, count)) if count != len(sections) else engine
        times = latencies(big, questions, arguments.rounds)
        print(
            f"  ask, {count:>5} sections: median {1000 * statistics.median(times):.2f} ms, "
            f"p95 {1000 * percentile(times, 0.95):.2f} ms ({len(times)} questions)"
        )


if __name__ == "__main__":
    main()
