"""The coach's rules, one module per language. A language is a new file exposing `RULES` (a
`LanguageRules`), named in LANGUAGES; a locale without one gets no judgement and no hints."""

import re
from dataclasses import dataclass, field
from importlib import import_module

LANGUAGES = {"en": "concierge.replies.coach.languages.en", "es": "concierge.replies.coach.languages.es"}


@dataclass(frozen=True)
class Cue:
    """A pattern that is evidence of an element. `veto` (searched in the same sentence) cancels it:
    a hedge before a date, "can't" before "promise", a circular "because". `kind` names the
    way of writing it, in the same English words for every language (hints and the engine read it); an overpromise of kind "date" or "certainty" is also a resolution."""

    pattern: re.Pattern
    kind: str
    veto: re.Pattern | None = None
    suggestion: str = ""
    needs: re.Pattern | None = None  # must also be found in the sentence (a date needs a future verb)


@dataclass(frozen=True)
class LanguageRules:
    code: str
    stop_words: frozenset[str]
    stemmer: str | None  # a Snowball stemmer's name (PyStemmer), or None to compare whole words
    greeting: re.Pattern  # an opening salutation ("Hi Dana,") — skipped when measuring restating
    stock_sentence: re.Pattern  # a formula that engages with nothing ("Thanks for reaching out")
    reflecting: re.Pattern  # words that turn to the customer's situation ("you're", "your", "sounds")
    reasoning: tuple[Cue, ...]
    resolution: tuple[Cue, ...]
    overpromise: tuple[Cue, ...]
    formal: tuple[re.Pattern, ...]
    warm: tuple[re.Pattern, ...]
    dismissive: tuple[re.Pattern, ...]
    familiar: re.Pattern  # a mark of everyday register: English contractions, Spanish "tú"
    missing_suggestions: dict[str, str] = field(default_factory=dict)
    tone_suggestions: dict[str, str] = field(default_factory=dict)


def rules_for(locale: str | None) -> LanguageRules | None:
    """The rules of a locale's language ("en-GB", "en_us" and "en" are English), or None."""
    language = (locale or "").replace("_", "-").split("-")[0].strip().lower()
    module = LANGUAGES.get(language)
    return import_module(module).RULES if module else None
