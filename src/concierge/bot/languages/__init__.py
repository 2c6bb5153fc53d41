"""What the engine knows of a language: how its words are stemmed, which words carry no topic, which
messages are small talk and which ask for a person. One module per language (`en.py`, `es.py`), named
by its ISO 639 code and holding a `RULES`; a language without a module gets NEUTRAL rules (no
stemming, no stop words, no small talk or person-request detection) and the engine still works.

Every word list and pattern is written in folded form: lower case, accents taken off (`fold`), as
customers type "pasame" for "pásame" and the engine compares folded text.
"""

import importlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache


@dataclass(frozen=True)
class LanguageRules:
    stemmer: str | None = None  # a Snowball algorithm's name, as PyStemmer knows it
    stop_words: frozenset[str] = frozenset()  # words that say nothing of the topic
    small_talk: frozenset[str] = (
        frozenset()
    )  # greetings, thanks, goodbyes: a message of only these is no question
    asks_for_a_person: tuple[re.Pattern[str], ...] = field(default_factory=tuple)


NEUTRAL = LanguageRules()
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
WORD = re.compile(r"[^\W_]+")


def word_set(text: str) -> frozenset[str]:
    """A word list written as text, one word after another."""
    return frozenset(text.split())


def fold(text: str) -> str:
    """Lower case without accents: how the engine compares what people type."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def folded_words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def language_of(locale: str) -> str:
    """ "es-MX", "es_mx" and "ES" are all Spanish: the language part of a locale, lower case."""
    return re.split(r"[-_]", (locale or "").strip().lower(), maxsplit=1)[0]


@cache
def rules_for(language: str) -> LanguageRules:
    """The language's rules module, or NEUTRAL when there is none."""
    if not LANGUAGE_CODE.match(language):
        return NEUTRAL
    try:
        module = importlib.import_module(f"{__name__}.{language}")
    except ModuleNotFoundError:
        return NEUTRAL
    return module.RULES


def is_small_talk(text: str, rules: LanguageRules) -> bool:
    """A message made only of greetings, thanks and words without a topic ("hi, is anyone there?")."""
    words = folded_words(text)
    if not rules.small_talk:
        return False
    return all(word in rules.small_talk or word in rules.stop_words for word in words)


def asks_for_a_person(text: str, rules: LanguageRules) -> bool:
    folded = " ".join(folded_words(text))
    return any(pattern.search(folded) for pattern in rules.asks_for_a_person)
