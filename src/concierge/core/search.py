"""Search: one interface for the help center's articles now, and conversations, contacts and saved
replies later (docs/search.md).

What is vendor-neutral lives here: folding (lower case, diacritics removed, so "canción" and
"cancion" are one word on both databases), cutting text into words, the vocabulary that typo
correction and search as you type draw on, and the highlighted title and snippet. The full-text
index itself (SQLite FTS5, PostgreSQL's weighted tsvector) is core/db.py's.

The caller decides what is searchable: it indexes a document while it may be found and removes it
otherwise, inside its own service transaction.
"""

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from rapidfuzz import process
from rapidfuzz.distance import OSA

from concierge.core import db


@dataclass(frozen=True)
class SearchDocument:
    workspace_id: int
    kind: str  # "article" now; "conversation", "contact", "saved_reply" later
    object_id: int  # the indexed row's id (for articles: the ArticleTranslation id)
    locale: str  # "en", "es", "pt-BR" ...: picks the text search configuration / stemming
    title: str
    headings: str  # the document's headings, newline-joined ("" when none)
    body: str  # plain text or Markdown source
    audience: str = "public"  # "public" or "internal"; search filters on it


@dataclass(frozen=True)
class SearchHit:
    """A document found. Its highlighted title and snippet are made when first read, so a caller
    that keeps few of the hits (the inbox's filters, a page of them) pays only for those it shows."""

    object_id: int
    score: float  # higher is better
    title: str = field(repr=False, compare=False)
    body: str = field(repr=False, compare=False)
    matches: "_Matcher" = field(repr=False, compare=False)

    @cached_property
    def title_html(self) -> str:
        """The title, HTML-escaped, matched words wrapped in <mark>…</mark>."""
        return highlighted(self.title, self.matches)

    @cached_property
    def snippet_html(self) -> str:
        """A short excerpt of the body around the matches, escaped, with <mark>."""
        return snippet(self.body, self.matches)


@dataclass(frozen=True)
class SearchResults:
    query: str  # what was asked
    corrected_query: str | None  # set when the results are for a corrected query
    hits: list[SearchHit]
    has_more: bool


AUDIENCES = ("public", "internal")
MAX_QUERY_WORDS = 32  # a pasted paragraph is searched by its first words
MAX_WORD_LENGTH = 64  # the vocabulary's column; longer "words" are not words people type
PREFIX_EXPANSIONS = 20  # search as you type: the most frequent words a typed prefix can become
SNIPPET_WORDS = 30
COMMON_WORD_SHARE = 0.5  # a word in more than this share of the documents searched is common...
COMMON_WORDS_FROM = 200  # ...when they are at least this many (a small help center keeps every word)
RARE_WORD_DOCUMENTS = 2  # a known word in this many documents or fewer may be a typo...
RARE_WORD_RATIO = 20  # ...when a word an edit or two away is in this many times more
WORD = re.compile(r"[^\W_]+")  # letters and digits, as both databases' tokenizers cut words
DIGIT = re.compile(r"[0-9]")


# Text -----------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without diacritics: "Canción" -> "cancion"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Raw HTML stays: it is text the document shows, and comes back escaped.
MARKDOWN_MARKS = re.compile(r"(^|\s)(#{1,6}|>|[-*+]|\d+\.)\s+|[*_`~]+", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """Markdown's words without its syntax: links and images keep their text, marks go."""
    text = MARKDOWN_LINK.sub(r"\1", markdown)
    return MARKDOWN_MARKS.sub(lambda m: m.group(1) or "", text)


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return [word for word in WORD.findall(fold(text)) if len(word) <= MAX_WORD_LENGTH]


def _vocabulary_words(title: str, headings: str, body: str) -> set[str]:
    return {word for word in words_of(f"{title}\n{headings}\n{body}") if len(word) > 1 and not word.isdigit()}


# Writing the index ------------------------------------------------------------------------------


def index_documents(documents: Iterable[SearchDocument]) -> None:
    """Add or replace (by kind + object_id) documents; called inside the caller's service transaction."""
    latest = {(d.kind, d.object_id): d for d in documents}  # the last of repeats wins
    if not latest:
        return
    for document in latest.values():
        _check(document)
    counts: Counter = Counter()
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in latest:
        by_kind.setdefault(kind, []).append(object_id)
    for kind, object_ids in by_kind.items():
        _forget_words(counts, kind, db.delete_search_entries(kind, object_ids))
    rows, folded = [], []
    for d in latest.values():
        body = plain_text(d.body)
        rows.append((d.workspace_id, d.kind, d.object_id, d.locale, d.audience, d.title, d.headings, body))
        folded.append((fold(d.title), fold(d.headings), fold(body)))
        for word in _vocabulary_words(d.title, d.headings, body):
            counts[(d.workspace_id, d.kind, d.locale, word)] += 1
    db.insert_search_entries(rows, folded)
    db.change_search_terms(counts)


def remove_documents(kind: str, object_ids: Iterable[int]) -> None:
    """Take documents out of the index (those not in it are no matter)."""
    counts: Counter = Counter()
    _forget_words(counts, kind, db.delete_search_entries(kind, sorted(set(object_ids))))
    db.change_search_terms(counts)


def _forget_words(counts: Counter, kind: str, removed: list[tuple]) -> None:
    for workspace_id, locale, title, headings, body in removed:
        for word in _vocabulary_words(title, headings, body):
            counts[(workspace_id, kind, locale, word)] -= 1


def _check(document: SearchDocument) -> None:
    """A caller's mistake, not a person's: the index refuses what it could not find again."""
    if document.audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {document.audience!r}")
    if not document.kind or len(document.kind) > 30:
        raise ValueError("kind must be 1 to 30 characters")
    if not document.locale or len(document.locale) > 16:
        raise ValueError("locale must be 1 to 16 characters")
    if any("\x00" in text for text in (document.title, document.headings, document.body)):
        raise ValueError("a document's text cannot hold NUL")


# Sources, for rebuilding ------------------------------------------------------------------------

SOURCES: dict[str, Callable[[int], Iterable[SearchDocument]]] = {}


def register_source(kind: str, documents_of: Callable[[int], Iterable[SearchDocument]]) -> None:
    """Name what a kind's searchable documents of a workspace are (from an app's AppConfig.ready), so
    the index can be rebuilt from them."""
    SOURCES[kind] = documents_of


def reindex_workspace(workspace_id: int) -> dict[str, int]:
    """Rebuild a workspace's index from the registered sources; returns how many documents per kind."""
    from concierge.core.models import SearchEntry

    indexed = {}
    for kind, documents_of in sorted(SOURCES.items()):
        stale = SearchEntry.objects.filter(workspace_id=workspace_id, kind=kind).values_list(
            "object_id", flat=True
        )
        remove_documents(kind, list(stale))
        documents = list(documents_of(workspace_id))
        index_documents(documents)
        indexed[kind] = len(documents)
    return indexed


# Searching --------------------------------------------------------------------------------------


def search_documents(
    workspace_id: int,
    kind: str,
    query: str,
    *,
    locale: str | None = None,
    audiences: Sequence[str] = ("public",),
    prefix: bool = False,
    limit: int = 10,
    offset: int = 0,
    correct: bool = True,
) -> SearchResults:
    """A workspace's documents of one kind that hold every word of the query, best first.

    Typos: when a word is not in the vocabulary and the query finds nothing, or a word is in a
    handful of documents and a word one or two edits away is in many times more (a typo written
    into an article: "pasword" in one, "password" in forty), the query is corrected to the closest
    known words and searched again; when that finds something, its results come back with
    `corrected_query` set (the caller offers the query as typed: "Search instead for …").
    `correct=False` searches the query as typed only. `prefix`: the last word is still being typed."""
    limit, offset = max(1, min(limit, 100)), max(0, offset)
    locales = None if locale is None else [locale]
    words = _query_words(query)
    if prefix and words and len(words[-1][1]) < 2:
        words = words[:-1]  # one letter typed is not yet a word to look for
    if not words:
        return SearchResults(query=query, corrected_query=None, hits=[], has_more=False)
    scope = _Scope(workspace_id, kind, locales, tuple(audiences))
    found = _search(scope, [w for _, w in words], prefix, limit, offset)
    corrected_query = None
    # A query with a rare word finds at most RARE_WORD_DOCUMENTS documents: one that finds more, on
    # any page, has nothing to correct, and is not looked up again.
    if correct and len(found) <= RARE_WORD_DOCUMENTS:
        corrections = _corrections(scope, [w for _, w in words], prefix, found_nothing=not found)
        if corrections:
            corrected = [corrections.get(w, w) for _, w in words]
            found_corrected = _search(scope, corrected, prefix, limit, offset)
            if found_corrected or not found:
                found = found_corrected
                corrected_query = _with_words_replaced(query, words, corrections)
    return SearchResults(
        query=query,
        corrected_query=corrected_query,
        hits=found[:limit],
        has_more=len(found) > limit,
    )


@dataclass(frozen=True)
class _Scope:
    workspace_id: int
    kind: str
    locales: list[str] | None
    audiences: tuple[str, ...]


def _query_words(query: str) -> list[tuple[re.Match, str]]:
    """The query's words with where each stands in the query, folded; syntax characters are not words."""
    words = []
    for match in WORD.finditer(query[:10_000]):
        word = fold(match.group())[:MAX_WORD_LENGTH]
        if word:
            words.append((match, word))
        if len(words) == MAX_QUERY_WORDS:
            break
    return words


def _search(scope: _Scope, words: list[str], prefix: bool, limit: int, offset: int) -> list[SearchHit]:
    groups: list[list[tuple[str, bool]]] = [[(word, False)] for word in dict.fromkeys(words)]
    if prefix:
        typed = words[-1]
        groups = [[(w, False)] for w in dict.fromkeys(words[:-1]) if w != typed]
        expansions = db.search_terms_from(
            scope.workspace_id,
            scope.kind,
            scope.locales,
            typed,
            typed + "\U0010ffff",
            limit=PREFIX_EXPANSIONS,
        )
        groups.append([(term, False) for term, _ in expansions if term != typed] + [(typed, True)])
    rows = db.match_search_entries(
        scope.workspace_id,
        scope.kind,
        _without_common_words(scope, groups),
        locales=scope.locales,
        audiences=scope.audiences,
        limit=limit + 1,
        offset=offset,
    )
    matches = _Matcher([word for group in groups for word, _ in group])
    # Titles and snippets are made when read (SearchHit): the row past the page only says there is more.
    return [
        SearchHit(object_id=object_id, score=float(score), title=title, body=body, matches=matches)
        for object_id, score, title, body in rows
    ]


def _without_common_words(
    scope: _Scope, groups: list[list[tuple[str, bool]]]
) -> list[list[tuple[str, bool]]]:
    """The query's words less those in more than half of a large scope's documents ("how", "you",
    "the"), when rarer words remain: a common word narrows the results little and costs the most to
    match, so search engines treat it as a stop word (PostgreSQL's configurations already drop the
    usual ones). It is still highlighted."""
    plain = [group[0][0] for group in groups if len(group) == 1 and not group[0][1]]
    if len(groups) < 2 or not plain:
        return groups
    documents = db.count_search_entries(scope.workspace_id, scope.kind, scope.locales)
    if documents < COMMON_WORDS_FROM:
        return groups
    frequency = db.search_term_documents(scope.workspace_id, scope.kind, scope.locales, plain)
    common = {word for word in plain if frequency.get(word, 0) > documents * COMMON_WORD_SHARE}
    rarer = [group for group in groups if not (len(group) == 1 and group[0][0] in common)]
    return rarer or groups


# Typo tolerance ---------------------------------------------------------------------------------


def _corrections(scope: _Scope, words: list[str], prefix: bool, *, found_nothing: bool) -> dict[str, str]:
    """The closest known word for each word of the query the vocabulary does not hold (when the
    query found nothing), or holds in RARE_WORD_DOCUMENTS documents at most while a close word is in
    RARE_WORD_RATIO times more."""
    known = db.search_term_documents(scope.workspace_id, scope.kind, scope.locales, sorted(set(words)))
    corrections = {}
    for position, word in enumerate(words):
        if len(word) < 3 or word.isdigit():
            continue
        documents = known.get(word)
        if documents is None and not found_nothing:
            continue  # found through its stem ("cancelled" finds "cancel"): nothing to correct
        if documents is not None and documents > RARE_WORD_DOCUMENTS:
            continue
        if prefix and position == len(words) - 1 and _is_a_known_prefix(scope, word):
            continue
        closest = _closest_known_word(scope, word, at_least=(documents or 0) * RARE_WORD_RATIO)
        if closest is not None:
            corrections[word] = closest
    return corrections


def _is_a_known_prefix(scope: _Scope, word: str) -> bool:
    return bool(
        db.search_terms_from(
            scope.workspace_id, scope.kind, scope.locales, word, word + "\U0010ffff", limit=1
        )
    )


def _closest_known_word(scope: _Scope, word: str, *, at_least: int = 0) -> str | None:
    """The vocabulary's word fewest edits away (a letter added, dropped, changed or two swapped), the
    more frequent of equals, among those in `at_least` documents or more (the word itself is never
    its own correction). Candidates start with the word's first or second letter: people rarely
    mistype both. A word without digits is not a mistyped code: words with digits (error codes,
    order numbers, thousands of them in an inbox) are candidates only for words with digits."""
    most_edits = 1 if len(word) <= 4 else 2
    candidates = {
        term: documents
        for term, documents in db.search_terms_within(
            scope.workspace_id,
            scope.kind,
            scope.locales,
            [(letter, letter + "\U0010ffff") for letter in dict.fromkeys(word[:2])],
            lengths=(len(word) - most_edits, len(word) + most_edits),
            digits=DIGIT.search(word) is not None,
        )
        if term != word and documents >= at_least
    }
    matches = process.extract(
        word, list(candidates), scorer=OSA.distance, score_cutoff=most_edits, limit=None
    )
    if not matches:
        return None
    best = min(matches, key=lambda match: (match[1], -candidates[match[0]], match[0]))
    return best[0]


def _with_words_replaced(query: str, words: list[tuple[re.Match, str]], corrections: dict[str, str]) -> str:
    parts, end = [], 0
    for match, word in words:
        if word in corrections:
            parts += [query[end : match.start()], corrections[word]]
            end = match.end()
    parts.append(query[end:])
    return " ".join("".join(parts).split())


# Highlighting -----------------------------------------------------------------------------------


class _Matcher:
    """Whether a word of the text is one the search found: the same folded word, one it begins
    (search as you type), or one sharing its stem (both databases stem: "subscriptions" finds
    "subscription"), approximated by a long common beginning. Remembers its answers: a result page
    repeats most of its words."""

    def __init__(self, searched: Sequence[str]):
        self.searched = tuple(dict.fromkeys(searched))
        self.stems = {term[:4] for term in self.searched if len(term) >= 4}
        self.known: dict[str, bool] = {}
        # What a matching word begins with, for finding where one may stand in plain ASCII text.
        self.beginnings = {term[:4] for term in self.searched}

    def __call__(self, token: str) -> bool:
        answer = self.known.get(token)
        if answer is None:
            answer = self.known[token] = self._matches(token if token.isascii() else fold(token))
        return answer

    def _matches(self, word: str) -> bool:
        word = word.lower()
        if word.startswith(self.searched):
            return True
        if word[:4] not in self.stems:
            return False
        for term in self.searched:
            shared = len(_common_prefix(word, term))
            if shared >= 4 and shared >= min(len(word), len(term)) - 2:
                return True
        return False


def _common_prefix(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[:i]
    return a[: min(len(a), len(b))]


def highlighted(text: str, matches: "_Matcher | Sequence[str]") -> str:
    """The text, HTML-escaped, with the searched words wrapped in <mark>."""
    matches = matches if isinstance(matches, _Matcher) else _Matcher(matches)
    return _marked(text, list(WORD.finditer(text)), matches, 0, len(text))


def _marked(text: str, tokens: list[re.Match], matches: _Matcher, start: int, end: int) -> str:
    parts, position = [], start
    for token in tokens:
        if token.start() < start or token.end() > end:
            continue
        if matches(token.group()):
            parts += [
                html.escape(text[position : token.start()]),
                f"<mark>{html.escape(token.group())}</mark>",
            ]
            position = token.end()
    parts.append(html.escape(text[position:end]))
    return "".join(parts)


CHARS_PER_WORD = 7  # about, for finding the densest run of matches before counting its words
LEAD_WORDS = 5  # words shown before the first match of the run


def snippet(body: str, matches: "_Matcher | Sequence[str]", words: int = SNIPPET_WORDS) -> str:
    """About `words` words of the body around its densest run of matches, escaped, with <mark>;
    the body's beginning when no word of it matched (a title match). Only the words around the run
    are cut out of the body: bodies are long, pages of results many."""
    matches = matches if isinstance(matches, _Matcher) else _Matcher(matches)
    run = _densest_run(_hit_positions(body, matches), words * CHARS_PER_WORD)
    lead = _words_before(body, run, LEAD_WORDS) if run else []
    shown = lead + list(islice(WORD.finditer(body, run), words + 1 - len(lead)))
    if not shown:
        return ""
    more = len(shown) > words
    shown = shown[:words]
    # Cut at spaces, so a word's punctuation ("<b>", "(1)") stays whole.
    start = _space_before(body, shown[0].start()) if WORD.search(body, 0, shown[0].start()) else 0
    end = _space_after(body, shown[-1].end()) if more else len(body)
    text = _marked(body, shown, matches, start, end).strip()
    return ("… " if start > 0 else "") + " ".join(text.split()) + (" …" if more else "")


def _space_before(text: str, position: int) -> int:
    return max(text.rfind(space, 0, position) for space in " \n\t") + 1


def _space_after(text: str, position: int) -> int:
    ends = [found for space in " \n\t" if (found := text.find(space, position)) >= 0]
    return min(ends, default=len(text))


def _hit_positions(body: str, matches: _Matcher) -> list[int]:
    """Where the body's matching words start."""
    if not body.isascii():  # folding may change a word: look at each
        return [token.start() for token in WORD.finditer(body) if matches(token.group())]
    # str.find runs in C at memory speed: one pass a searched word's beginning finds where it stands.
    lowered, positions = body.lower(), set()
    for beginning in matches.beginnings:
        found = lowered.find(beginning)
        while found >= 0:
            if (found == 0 or not lowered[found - 1].isalnum()) and matches(WORD.match(body, found).group()):
                positions.add(found)
            found = lowered.find(beginning, found + 1)
    return sorted(positions)


def _densest_run(positions: list[int], span: int) -> int:
    """Where the stretch of `span` characters holding the most matches begins (0 when none)."""
    best_start, best_count, j = 0, 0, 0
    for i, position in enumerate(positions):
        while positions[j] < position - span:
            j += 1
        if i - j + 1 > best_count:
            best_count, best_start = i - j + 1, positions[j]
    return best_start


def _words_before(body: str, position: int, count: int) -> list[re.Match]:
    region = max(0, position - count * CHARS_PER_WORD * 2)
    before = list(WORD.finditer(body, region, position))
    if before and region > 0 and before[0].start() == region and WORD.match(body, region - 1):
        before = before[1:]  # the region began inside a word
    return before[-count:]
