"""The reply coach: what a draft reply does of the four elements of a great support reply, and its tone,
with hints that point at the words they are about (docs/coach.md, docs/decisions/coach-engine.md).

Everything language-specific is in `languages/<code>.py`; this module only applies the rules. A reply
in a language without rules is not judged: every judgement is None and there are no hints."""

import math
import re
from dataclasses import asdict, dataclass, field

from concierge.replies.coach.languages import Cue, LanguageRules, rules_for
from concierge.replies.coach.similarity import content_words, shared_meanings, stems_of

ELEMENTS = ("restates", "reasoning", "resolution", "overpromise")
TONES = ("formal", "casual", "curt")
VOICES = ("casual", "formal")

# Restating is judged from three measures of the reply's sentences against the customer's messages
# (docs/decisions/coach-engine.md): the most of the customer's content words one sentence says back
# (the same stem, or a paraphrase by embeddings), whether such a sentence turns to the customer
# ("you're", "sounds", "we note that you"), and whether the reply echoes the customer's numbers.
# The weights were fitted on the development corpus and are cross-validated by benchmarks/coach.py.
RESTATING_WEIGHTS = {"bias": -7.14, "shared": 4.78, "reflecting": 2.52, "numbers": 2.25}
# Two words mean the same here when their embeddings are this close (cosine).
PARAPHRASE = 0.7

# Overpromises that still say what will happen (a date, a certainty): they are resolutions too;
# "I promise it'll never happen again" is not.
COMMITMENTS = {"date", "certainty"}

# A reply shorter than this, with no warmth in it, reads as curt.
CURT_WORDS = 12
# Formal: this many set phrases, or one in a reply of this many words with no mark of the familiar
# register (no contraction in English, no "tú" in Spanish).
FORMAL_MARKERS = 2
FORMAL_PLAIN_WORDS = 15

# A clause: the words between a sentence's semicolons, colons and dashes, end punctuation left out.
CLAUSE = re.compile(r"[^;:\u2014\u2013\s][^;:\u2014\u2013]*?(?=\s*(?:[;:\u2014\u2013]|[.!?]*$))")
RESTATING = Cue(re.compile(""), "restates")  # the evidence of restating is a sentence, not a pattern
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")


@dataclass(frozen=True)
class Hint:
    """What the coach points out: `element` (one of ELEMENTS or "tone"), `kind` ("found", "missing"
    or "warning"), the span [start, end) of the reply's characters it is about (None for a missing
    element), the words themselves, what it means and what to write instead."""

    element: str
    kind: str
    start: int | None
    end: int | None
    words: str
    message: str
    suggestion: str = ""


@dataclass(frozen=True)
class CoachReport:
    locale: str
    judged: bool
    restates: bool | None = None
    reasoning: bool | None = None
    resolution: bool | None = None
    overpromise: bool | None = None
    tone: str | None = None
    hints: list[Hint] = field(default_factory=list)

    def judgements(self) -> dict:
        return {element: getattr(self, element) for element in (*ELEMENTS, "tone")}

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Evidence:
    cue: Cue
    start: int
    end: int
    words: str


def coach_reply(
    customer_messages: list[str] | str, reply: str, locale: str, voice: str = "casual"
) -> CoachReport:
    """Judge a reply against the customer's messages. `voice` is the workspace's chosen tone
    ("casual" or "formal"): a reply whose tone differs from it gets a tone hint."""
    if voice not in VOICES:
        raise ValueError(f"voice must be one of {', '.join(VOICES)}, not {voice!r}")
    customer = _joined(customer_messages)
    rules = rules_for(locale)
    if rules is None or not reply.strip():
        return CoachReport(locale=locale, judged=False)
    sentences = split_sentences(reply)
    promises = [_whole_clause(e, sentences) for e in _evidence(rules.overpromise, sentences)]
    reasons = _evidence(rules.reasoning, sentences)
    resolutions = _evidence(rules.resolution, sentences)
    commitments = [evidence for evidence in promises if evidence.cue.kind in COMMITMENTS]
    resolutions = resolutions or commitments
    promises, reasons, resolutions = (
        _one_per_sentence(evidence, sentences) for evidence in (promises, reasons, resolutions)
    )
    restating = _restating_sentence(customer, sentences, rules)
    tone = judge_tone(reply, rules)
    hints = [
        *_found_hints("restates", [restating] if restating else [], "Engages with what the customer asked"),
        *_found_hints("reasoning", reasons, "Shares the reasoning"),
        *_found_hints("resolution", resolutions, "A clear resolution or next step"),
        *_missing_hints(rules, restates=restating, reasoning=reasons, resolution=resolutions),
        *_overpromise_hints(promises),
        *_tone_hints(rules, tone, voice, len(reply)),
    ]
    return CoachReport(
        locale=locale,
        judged=True,
        restates=restating is not None,
        reasoning=bool(reasons),
        resolution=bool(resolutions),
        overpromise=bool(promises),
        tone=tone,
        hints=hints,
    )


def _joined(customer_messages: list[str] | str) -> str:
    if isinstance(customer_messages, str):
        return customer_messages
    return "\n".join(customer_messages)


def split_sentences(text: str) -> list[Sentence]:
    """The text's sentences with their character offsets (a new line ends one too)."""
    sentences, start = [], 0
    for boundary in [*SENTENCE_END.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            offset = start + piece.index(stripped)
            sentences.append(Sentence(offset, offset + len(stripped), stripped))
        start = boundary.end() if boundary else len(text)
    return sentences


def _evidence(cues: tuple[Cue, ...], sentences: list[Sentence]) -> list[Evidence]:
    """Each cue's first match in each sentence, unless a veto in the sentence cancels it."""
    found = []
    for sentence in sentences:
        for cue in cues:
            match = cue.pattern.search(sentence.text)
            if match is None or (cue.veto is not None and cue.veto.search(sentence.text)):
                continue
            if cue.needs is not None and not cue.needs.search(sentence.text):
                continue
            found.append(
                Evidence(cue, sentence.start + match.start(), sentence.start + match.end(), match.group(0))
            )
    return found


def _whole_clause(evidence: Evidence, sentences: list[Sentence]) -> Evidence:
    """An overpromise is its whole clause ("I promise we'll fix this by tomorrow"), not the one word that
    gave it away: that is what the teammate rewrites."""
    sentence = next(s for s in sentences if s.start <= evidence.start < s.end)
    clauses = [m for m in CLAUSE.finditer(sentence.text)]
    for clause in clauses:
        start, end = sentence.start + clause.start(), sentence.start + clause.end()
        if start <= evidence.start < end:
            return Evidence(evidence.cue, start, end, sentence.text[clause.start() : clause.end()])
    return evidence


def _one_per_sentence(evidence: list[Evidence], sentences: list[Sentence]) -> list[Evidence]:
    """A hint per sentence is enough: the first cue found in it."""
    kept, seen = [], set()
    for e in evidence:
        sentence = next(i for i, s in enumerate(sentences) if s.start <= e.start < s.end)
        if sentence not in seen:
            seen.add(sentence)
            kept.append(e)
    return kept


def _restating_sentence(customer: str, sentences: list[Sentence], rules: LanguageRules) -> Evidence | None:
    """The reply's sentence that engages most with the customer's messages, if the fitted measure says
    the reply restates or engages with what they asked."""
    measures = restating_measures(customer, sentences, rules)
    if measures is None or restating_probability(**measures["features"]) < 0.5:
        return None
    best = measures["sentence"]
    return Evidence(RESTATING, best.start, best.end, best.text)


def restating_measures(customer: str, sentences: list[Sentence], rules: LanguageRules) -> dict | None:
    """The reply's restating features (each the best over its sentences) and its most engaged sentence."""
    asked = content_words(customer, rules)
    numbers = set(re.findall(r"\d+", customer))
    candidates = [s for s in _body(sentences, rules) if not rules.stock_sentence.search(s.text)]
    if not asked or not candidates:
        return None
    shared = shared_meanings(
        _stemmed(asked, rules),
        [_stemmed(content_words(s.text, rules), rules) for s in candidates],
        PARAPHRASE,
    )
    reflecting = [
        count > 0 and bool(rules.reflecting.search(sentence.text))
        for sentence, count in zip(candidates, shared, strict=True)
    ]
    engaged = max(range(len(candidates)), key=lambda i: (reflecting[i], shared[i]))
    return {
        "sentence": candidates[engaged],
        "features": {
            "shared": max(shared),
            "reflecting": any(reflecting),
            "numbers": any(numbers & set(re.findall(r"\d+", s.text)) for s in candidates),
        },
    }


def _stemmed(words: list[str], rules: LanguageRules) -> list[str]:
    return list(dict.fromkeys(stems_of(words, rules)))


def restating_probability(
    *, shared: int, reflecting: bool, numbers: bool, weights: dict | None = None
) -> float:
    w = weights or RESTATING_WEIGHTS
    z = w["bias"] + w["shared"] * math.log1p(shared) + w["reflecting"] * reflecting + w["numbers"] * numbers
    return 1 / (1 + math.exp(-z))


def _body(sentences: list[Sentence], rules: LanguageRules) -> list[Sentence]:
    """The sentences that say something: the greeting's words and a one-line sign-off left out."""
    body = []
    for sentence in sentences:
        greeting = rules.greeting.match(sentence.text)
        if greeting:
            rest = sentence.text[greeting.end() :]
            if len(rest.split()) < 2:
                continue
            sentence = Sentence(sentence.start + greeting.end(), sentence.end, rest)
        if len(sentence.text.split()) < 3 and sentence is not sentences[0]:
            continue
        body.append(sentence)
    return body


def judge_tone(reply: str, rules: LanguageRules, *, curt_words: int = CURT_WORDS) -> str:
    words = len(re.findall(r"\w+(?:'\w+)*", reply))
    formal = sum(1 for marker in rules.formal if marker.search(reply))
    familiar = bool(rules.familiar.search(reply.replace("\u2019", "'")))
    if formal >= FORMAL_MARKERS or (formal and not familiar and words >= FORMAL_PLAIN_WORDS):
        return "formal"
    warm = any(marker.search(reply) for marker in rules.warm)
    if any(marker.search(reply) for marker in rules.dismissive):
        return "curt"
    if words < curt_words and not warm:
        return "curt"
    return "casual"


def _found_hints(element: str, evidence: list[Evidence], message: str) -> list[Hint]:
    return [Hint(element, "found", e.start, e.end, e.words, message) for e in evidence[:3]]


def _missing_hints(rules: LanguageRules, **present) -> list[Hint]:
    messages = {
        "restates": "Doesn't show yet that you understood what the customer asked",
        "reasoning": "Gives an answer without the reasoning behind it",
        "resolution": "Doesn't end with a clear resolution or next step",
    }
    return [
        Hint(
            element, "missing", None, None, "", messages[element], rules.missing_suggestions.get(element, "")
        )
        for element, evidence in present.items()
        if not evidence
    ]


def _overpromise_hints(promises: list[Evidence]) -> list[Hint]:
    return [
        Hint(
            "overpromise",
            "warning",
            e.start,
            e.end,
            e.words,
            f"Promises something support can't guarantee ({e.cue.kind})",
            e.cue.suggestion,
        )
        for e in promises
    ]


def _tone_hints(rules: LanguageRules, tone: str, voice: str, length: int) -> list[Hint]:
    if tone == voice:
        return []
    return [
        Hint(
            "tone",
            "warning",
            0,
            length,
            "",
            f"Reads {tone}; the team's voice is {voice}",
            rules.tone_suggestions[tone],
        )
    ]
