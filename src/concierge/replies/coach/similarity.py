"""How close a reply's sentence is to what the customer wrote: the content words they share (stemmed)
and the cosine similarity of static word embeddings (wordllama, whose weights ship inside its wheel:
nothing is downloaded)."""

import re
import unicodedata
from functools import cache

import numpy
import Stemmer

from concierge.core.embeddings import word_embeddings
from concierge.replies.coach.languages import LanguageRules

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def folded_words(text: str) -> list[str]:
    """Lower case, accents off, curly apostrophes straight."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").lower())
    text = "".join(character for character in text if not unicodedata.combining(character))
    return WORD.findall(text)


def content_words(text: str, rules: LanguageRules) -> list[str]:
    """The words that carry meaning (no stop words), each once, in order."""
    words = [word for word in folded_words(text) if word not in rules.stop_words and len(word) > 2]
    return list(dict.fromkeys(words))


def content_stems(text: str, rules: LanguageRules) -> set[str]:
    words = content_words(text, rules)
    return set(_stemmer(rules.stemmer).stemWords(words)) if rules.stemmer else set(words)


@cache
def _stemmer(name: str):
    return Stemmer.Stemmer(name)


def shared_meanings(asked: list[str], sentences: list[list[str]], threshold: float) -> list[int]:
    """For each sentence (its content words), how many of the customer's content words it says back:
    the same word, or one whose embedding is at least `threshold` close (a paraphrase: "sign-in" for
    "log in", "charged" for "billed")."""
    vocabulary = sorted(set(asked).union(*sentences))
    if not asked or not vocabulary:
        return [0 for _ in sentences]
    vectors = dict(zip(vocabulary, word_embeddings().embed(vocabulary, norm=True), strict=True))
    counts = []
    for words in sentences:
        if not words:
            counts.append(0)
            continue
        said = numpy.stack([vectors[word] for word in words])
        closeness = numpy.stack([vectors[word] for word in asked]) @ said.T
        counts.append(int((closeness.max(axis=1) >= threshold).sum()))
    return counts


def stems_of(words: list[str], rules: LanguageRules) -> list[str]:
    return _stemmer(rules.stemmer).stemWords(words) if rules.stemmer else list(words)
