"""core.search on the database the tests run on (SQLite, or PostgreSQL with DATABASE_URL)."""

import pytest
from django.db import transaction

from concierge.core.models import SearchEntry, SearchTerm
from concierge.core.search import (
    SearchDocument,
    index_documents,
    remove_documents,
    search_documents,
)

pytestmark = pytest.mark.django_db


def doc(workspace, object_id, title, body="", *, headings="", locale="en", audience="public", kind="article"):
    return SearchDocument(
        workspace_id=workspace.id,
        kind=kind,
        object_id=object_id,
        locale=locale,
        title=title,
        headings=headings,
        body=body,
        audience=audience,
    )


def ids(results):
    return [hit.object_id for hit in results.hits]


@pytest.fixture
def help_center(workspace):
    index_documents(
        [
            doc(workspace, 1, "Reset your password", "Open the sign-in page and follow the link we send."),
            doc(workspace, 2, "Cancel your subscription", "Billing stops at the end of the period."),
            doc(workspace, 3, "Invite teammates", "Teammates join from the invitation email they receive."),
            doc(
                workspace,
                4,
                "Exportar tus canciones",
                "Puedes exportar cada canción desde la biblioteca.",
                locale="es",
            ),
        ]
    )
    return workspace


def test_a_title_match_ranks_above_a_headings_match_above_a_body_match(workspace):
    index_documents(
        [
            doc(workspace, 1, "Billing overview", "Where invoices live. Refunds are described elsewhere."),
            doc(workspace, 2, "Billing history", "Past invoices.", headings="Refunds\nReceipts"),
            doc(workspace, 3, "Refunds", "How money comes back to you."),
        ]
    )
    assert ids(search_documents(workspace.id, "article", "refunds")) == [3, 2, 1]
    scores = [hit.score for hit in search_documents(workspace.id, "article", "refunds").hits]
    assert scores == sorted(scores, reverse=True)


def test_every_word_must_match_and_stems_match(help_center):
    assert ids(search_documents(help_center.id, "article", "cancelled subscriptions")) == [2]
    assert ids(search_documents(help_center.id, "article", "cancel teammates")) == []


def test_a_typo_is_corrected_and_the_corrected_query_is_said(help_center):
    results = search_documents(help_center.id, "article", "pasword")
    assert ids(results) == [1]
    assert results.corrected_query == "password"
    assert results.query == "pasword"
    assert "<mark>password</mark>" in results.hits[0].title_html

    results = search_documents(help_center.id, "article", "cancle subscripton")
    assert ids(results) == [2]
    assert results.corrected_query == "cancel subscription"


def test_a_query_that_finds_something_is_not_corrected(help_center):
    assert search_documents(help_center.id, "article", "password").corrected_query is None


def test_nothing_close_enough_finds_nothing(help_center):
    results = search_documents(help_center.id, "article", "zxqwv")
    assert results.hits == [] and results.corrected_query is None and not results.has_more


def test_prefix_finds_words_as_they_are_typed(help_center):
    assert ids(search_documents(help_center.id, "article", "passw", prefix=True)) == [1]
    assert ids(search_documents(help_center.id, "article", "cancel subscr", prefix=True)) == [2]
    assert ids(search_documents(help_center.id, "article", "passw")) == []  # a whole word without prefix
    hit = search_documents(help_center.id, "article", "invit", prefix=True).hits[0]
    assert hit.object_id == 3 and "<mark>Invite</mark>" in hit.title_html


def test_diacritics_are_folded_both_ways(help_center):
    for query in ("canción", "cancion", "CANCIÓN"):
        results = search_documents(help_center.id, "article", query)
        assert ids(results) == [4], query
        assert "<mark>canción</mark>" in results.hits[0].snippet_html


def test_another_locale_is_stemmed_and_filtered(help_center):
    # Spanish plural and singular are one word; English searches leave the Spanish article out.
    assert ids(search_documents(help_center.id, "article", "canciones", locale="es")) == [4]
    assert ids(search_documents(help_center.id, "article", "exportar", locale="en")) == []
    assert ids(search_documents(help_center.id, "article", "exportar")) == [4]  # every locale


def test_an_internal_document_is_found_only_by_teammates(workspace):
    index_documents([doc(workspace, 1, "Refund playbook", "Escalate to finance.", audience="internal")])
    assert ids(search_documents(workspace.id, "article", "refund")) == []
    assert ids(search_documents(workspace.id, "article", "refund", audiences=("public", "internal"))) == [1]


def test_another_workspace_and_another_kind_are_never_found(help_center, other_workspace):
    index_documents([doc(other_workspace, 10, "Reset your password", "Elsewhere.")])
    index_documents([doc(help_center, 11, "Password reset request", "", kind="conversation")])
    assert ids(search_documents(help_center.id, "article", "password")) == [1]
    assert ids(search_documents(other_workspace.id, "article", "password")) == [10]
    assert ids(search_documents(help_center.id, "conversation", "password")) == [11]
    # Another workspace's words do not correct this one's queries either.
    index_documents([doc(other_workspace, 12, "Webhooks", "Signed payloads.")])
    assert search_documents(help_center.id, "article", "webhoks").corrected_query is None


def test_indexing_again_replaces_the_document(help_center):
    index_documents([doc(help_center, 1, "Change your email address", "From your profile.")])
    assert ids(search_documents(help_center.id, "article", "password")) == []
    assert ids(search_documents(help_center.id, "article", "email address")) == [1]
    assert SearchEntry.objects.filter(kind="article", object_id=1).count() == 1
    assert not SearchTerm.objects.filter(workspace=help_center, term="password").exists()


def test_removed_documents_are_not_found_and_leave_the_vocabulary(help_center):
    remove_documents("article", [2, 999])
    assert ids(search_documents(help_center.id, "article", "subscription")) == []
    assert not SearchTerm.objects.filter(workspace=help_center, term="subscription").exists()
    # A word still in another document stays, with one document fewer.
    assert SearchTerm.objects.get(workspace=help_center, locale="en", term="your").documents == 1


def test_the_vocabulary_counts_documents(help_center):
    assert SearchTerm.objects.get(workspace=help_center, locale="en", term="your").documents == 2
    assert SearchTerm.objects.get(workspace=help_center, locale="es", term="cancion").documents == 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!! ??? ...",
        '"password',
        "pass*",
        "*",
        "-password",
        "title:password",
        "password:*",
        "(password OR",
        "password NEAR reset",
        "password AND OR NOT",
        "' & | ! <-> :* \\",
        "x" * 1000,
        "password " * 200,
        "\U0001f600 ☃ ∑",
    ],
)
def test_hostile_queries_never_raise(help_center, query):
    for prefix in (False, True):
        results = search_documents(help_center.id, "article", query, prefix=prefix)
        assert isinstance(results.hits, list)


def test_empty_queries_find_nothing(help_center):
    for query in ("", "  ", "?!"):
        assert search_documents(help_center.id, "article", query).hits == []


def test_html_in_a_document_comes_back_escaped(workspace):
    index_documents(
        [doc(workspace, 1, "Embed <b>widgets</b>", "Paste <script>alert(1)</script> into widgets.")]
    )
    hit = search_documents(workspace.id, "article", "widgets").hits[0]
    assert "&lt;script&gt;" in hit.snippet_html and "<script>" not in hit.snippet_html
    assert hit.title_html == "Embed &lt;b&gt;<mark>widgets</mark>&lt;/b&gt;"


def test_a_snippet_is_a_short_excerpt_around_the_match(workspace):
    filler = " ".join(f"word{i}" for i in range(200))
    index_documents([doc(workspace, 1, "Long article", f"{filler} the webhook signature {filler}")])
    snippet = search_documents(workspace.id, "article", "webhook").hits[0].snippet_html
    assert "<mark>webhook</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert 25 <= len(snippet.split()) <= 35


def test_markdown_syntax_is_not_searched_or_shown(workspace):
    index_documents([doc(workspace, 1, "Links", "## Setup\nSee [the **guide**](https://example.test/x).")])
    snippet = search_documents(workspace.id, "article", "guide").hits[0].snippet_html
    assert snippet == "Setup See the <mark>guide</mark>."
    assert ids(search_documents(workspace.id, "article", "example")) == []


def test_pages_and_has_more(workspace):
    index_documents([doc(workspace, i, f"Webhook guide {i}", "") for i in range(1, 6)])
    first = search_documents(workspace.id, "article", "webhook", limit=2)
    assert len(first.hits) == 2 and first.has_more
    last = search_documents(workspace.id, "article", "webhook", limit=2, offset=4)
    assert len(last.hits) == 1 and not last.has_more
    everything = {
        hit.object_id
        for page in range(3)
        for hit in search_documents(workspace.id, "article", "webhook", limit=2, offset=page * 2).hits
    }
    assert everything == {1, 2, 3, 4, 5}


def test_a_bad_document_is_refused_and_nothing_is_written(workspace):
    with pytest.raises(ValueError, match="audience"), transaction.atomic():
        index_documents([doc(workspace, 1, "Fine"), doc(workspace, 2, "Bad", audience="everyone")])
    assert not SearchEntry.objects.exists()


def test_deleting_a_workspace_takes_its_index_along(help_center):
    from concierge.workspaces.models import Workspace

    Workspace.objects.filter(pk=help_center.pk).delete()
    assert not SearchEntry.objects.exists() and not SearchTerm.objects.exists()


def test_pages_run_on_from_title_matches_into_body_matches(workspace):
    index_documents(
        [doc(workspace, i, f"Webhook guide {i}", "") for i in (1, 2, 3)]
        + [doc(workspace, i, f"Guide {i}", "Sign every webhook payload.") for i in (4, 5, 6)]
    )
    pages = [search_documents(workspace.id, "article", "webhook", limit=2, offset=o) for o in (0, 2, 4)]
    assert [len(page.hits) for page in pages] == [2, 2, 2]
    found = [object_id for page in pages for object_id in ids(page)]
    assert set(found[:3]) == {1, 2, 3} and set(found[3:]) == {4, 5, 6}
    assert [page.has_more for page in pages] == [True, True, False]


def test_an_unfinished_word_finds_the_stemmed_words_it_begins(workspace):
    index_documents([doc(workspace, 1, "Configuration of the widget", "Configurations are saved.")])
    for typed in ("configura", "configurat", "conf"):
        results = search_documents(workspace.id, "article", typed, prefix=True)
        assert ids(results) == [1], typed
        assert results.corrected_query is None


def test_the_index_is_rebuilt_from_the_registered_sources(workspace, monkeypatch):
    from concierge.core import search

    index_documents([doc(workspace, 1, "Stale article"), doc(workspace, 2, "Kept article")])
    monkeypatch.setattr(search, "SOURCES", {})
    search.register_source("article", lambda workspace_id: [doc(workspace, 2, "Kept article, renamed")])
    assert search.reindex_workspace(workspace.id) == {"article": 1}
    assert ids(search_documents(workspace.id, "article", "stale")) == []
    assert ids(search_documents(workspace.id, "article", "renamed")) == [2]


def test_past_the_ranked_matches_further_matches_follow_in_index_order(workspace, monkeypatch):
    # A tier ranks its first RANKED_MATCHES matches only (db.py): a word in most documents then costs
    # what a word in a few hundred does. The rest still come, each once, after the ranked ones.
    from concierge.core import db

    monkeypatch.setattr(db, "RANKED_MATCHES", 3)
    index_documents(
        [doc(workspace, 1, "Webhook setup guide for new teams"), doc(workspace, 2, "Webhook")]
        + [doc(workspace, i, f"Webhook guide {i}") for i in range(3, 8)]
        + [doc(workspace, 8, "Webhook")]  # as relevant as 2, but past the ranked ones
    )
    pages = [search_documents(workspace.id, "article", "webhook", limit=3, offset=o) for o in (0, 3, 6)]
    found = [object_id for page in pages for object_id in ids(page)]
    assert sorted(found) == list(range(1, 9))
    assert set(found[:3]) == {1, 2, 3}
    assert found[3:] == [4, 5, 6, 7, 8]
    scores = [hit.score for page in pages for hit in page.hits]
    assert scores == sorted(scores, reverse=True)
    assert [page.has_more for page in pages] == [True, True, False]


def test_a_scope_is_matched_exactly_among_many_workspaces_kinds_locales_and_audiences(
    workspace, other_workspace
):
    scopes = [
        (ws, kind, locale, audience)
        for ws in (workspace, other_workspace)
        for kind in ("article", "saved_reply")
        for locale in ("en", "pt-BR")
        for audience in ("public", "internal")
    ]
    index_documents(
        [
            doc(ws, n, "Shared word", kind=kind, locale=locale, audience=audience)
            for n, (ws, kind, locale, audience) in enumerate(scopes)
        ]
    )
    for n, (ws, kind, locale, audience) in enumerate(scopes):
        assert ids(search_documents(ws.id, kind, "shared", locale=locale, audiences=(audience,))) == [n]
    everyone = ids(search_documents(workspace.id, "saved_reply", "shared", audiences=("public", "internal")))
    assert sorted(everyone) == [
        n for n, s in enumerate(scopes) if s[0] == workspace and s[1] == "saved_reply"
    ]


def test_a_word_in_most_documents_is_left_out_when_rarer_words_remain(workspace, monkeypatch):
    # As a stop word: it narrows little and costs the most. Small help centers keep every word.
    from concierge.core import search

    index_documents(
        [
            doc(workspace, i, f"Setup guide: {topic}")
            for i, topic in enumerate(["webhooks", "billing", "sso"], 1)
        ]
        + [doc(workspace, 4, "Refunds", "Money back within a week.")]
    )
    assert ids(search_documents(workspace.id, "article", "guide refunds")) == []
    monkeypatch.setattr(search, "COMMON_WORDS_FROM", 4)
    assert ids(search_documents(workspace.id, "article", "guide refunds")) == [4]
    hit = search_documents(workspace.id, "article", "guide billing").hits
    assert [h.object_id for h in hit] == [2] and "<mark>guide</mark>" in hit[0].title_html
    # Only common words: they are all there is to look for.
    assert sorted(ids(search_documents(workspace.id, "article", "setup guide"))) == [1, 2, 3]
    assert ids(search_documents(workspace.id, "article", "refunds webhooks")) == []


def test_a_rare_word_next_to_a_common_one_is_corrected_and_the_query_as_typed_still_searchable(workspace):
    # A typo written into one article ("pasword") is in the vocabulary: the query finds that article,
    # but a word one edit away is in many times more, so the results are for it, as search engines
    # do ("Showing results for password"); the query as typed is still there to ask for.
    index_documents(
        [doc(workspace, i, f"Password help {i}", "Change your password.") for i in range(1, 21)]
        + [doc(workspace, 21, "Sign-in trouble", "Reset the pasword from the sign-in page.")]
    )
    results = search_documents(workspace.id, "article", "pasword", limit=5)
    assert results.corrected_query == "password"
    assert len(results.hits) == 5 and results.has_more and 21 not in ids(results)
    typed = search_documents(workspace.id, "article", "pasword", correct=False)
    assert ids(typed) == [21] and typed.corrected_query is None
    # A rare word with no far more frequent neighbour is what the writer meant.
    index_documents([doc(workspace, 22, "Passkeys", "Sign in with a passkey.")])
    results = search_documents(workspace.id, "article", "passkey")
    assert ids(results) == [22] and results.corrected_query is None


def test_a_word_without_digits_is_not_corrected_to_a_code(workspace):
    # Codes (error codes, order numbers: thousands of them in an inbox) are no candidates for a word
    # of letters; a mistyped code is still corrected to a code, and a word to a word.
    index_documents([doc(workspace, 1, "Code abc1", "Sent with the code abc1.")])
    results = search_documents(workspace.id, "article", "abcd")
    assert ids(results) == [] and results.corrected_query is None
    results = search_documents(workspace.id, "article", "abc2")
    assert ids(results) == [1] and results.corrected_query == "abc1"
    results = search_documents(workspace.id, "article", "cpde")
    assert ids(results) == [1] and results.corrected_query == "code"


def test_a_query_found_through_its_stem_is_not_corrected(help_center):
    results = search_documents(help_center.id, "article", "subscriptions")
    assert ids(results) == [2] and results.corrected_query is None


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["unscoped", "scoped"])
def test_both_ways_of_matching_a_scope_find_the_same(workspace, other_workspace, monkeypatch, share):
    # SQLite matches unscoped (keeping the workspace's entries by id) when a workspace holds most of
    # the index, inside the scope otherwise: the same results either way.
    from concierge.core import db

    monkeypatch.setattr(db, "UNSCOPED_FROM_SHARE", share)
    index_documents(
        [
            doc(ws, n, "Webhook guide", "Sign every webhook.", audience=audience, locale=locale)
            for n, (ws, audience, locale) in enumerate(
                [
                    (w, a, loc)
                    for w in (workspace, other_workspace)
                    for a in ("public", "internal")
                    for loc in ("en", "es")
                ]
            )
        ]
        + [doc(workspace, 100 + n, "Guide", "A webhook in the body.") for n in range(3)]
    )
    found = ids(search_documents(workspace.id, "article", "webhook", locale="en", limit=20))
    assert found == [0, 100, 101, 102]
    everyone = ids(
        search_documents(workspace.id, "article", "webhook", audiences=("public", "internal"), limit=20)
    )
    assert sorted(everyone[:4]) == [0, 1, 2, 3] and everyone[4:] == [100, 101, 102]


def test_past_the_ranked_body_matches_further_ones_follow_each_once(workspace, monkeypatch):
    from concierge.core import db

    monkeypatch.setattr(db, "RANKED_BODY_MATCHES", 2)
    index_documents(
        [doc(workspace, 1, "Webhook")]
        + [doc(workspace, i, f"Guide {i}", "A webhook. " * (i % 3 + 1)) for i in range(2, 9)]
    )
    pages = [search_documents(workspace.id, "article", "webhook", limit=3, offset=o) for o in (0, 3, 6)]
    found = [object_id for page in pages for object_id in ids(page)]
    assert found[0] == 1 and sorted(found) == list(range(1, 9))
    scores = [hit.score for page in pages for hit in page.hits]
    assert scores == sorted(scores, reverse=True)
    assert [page.has_more for page in pages] == [True, True, False]


@pytest.mark.parametrize("walked", [True, False], ids=["walked-in-id-order", "taken-from-the-index"])
def test_a_words_first_matches_are_the_same_however_they_are_found(
    workspace, other_workspace, monkeypatch, walked
):
    # PostgreSQL may find the title-and-headings tier's first matches by walking the entries in id
    # order (a common word in a workspace holding most of the index: PLANNED_FROM_SHARE,
    # PLANNED_FROM_DOCUMENTS) rather than by sorting the full-text index's matches: the same
    # matches in the same order either way, on the first page (one statement) and past the ranked
    # matches (a statement per tier). SQLite has one way, and answers the same.
    from django.db import connection

    from concierge.core import db

    monkeypatch.setattr(db, "PLANNED_FROM_SHARE", 0.0 if walked else 2.0)
    monkeypatch.setattr(db, "PLANNED_FROM_DOCUMENTS", 0)
    monkeypatch.setattr(db, "RANKED_MATCHES", 3)
    if walked and connection.vendor == "postgresql":
        # A table this small would be read whole or through another index: leave the walk only.
        with connection.cursor() as cursor:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
    titles = {
        1: "Export guide",
        2: "Export",
        3: "Export report",
        4: "Import",
        5: "Export",
        6: "Export",
        7: "Export",
    }
    documents = []
    for n, title in titles.items():  # another workspace's matches between this one's
        documents += [doc(other_workspace, n, "Export"), doc(workspace, n, title)]
    documents += [doc(workspace, 8, "Guide", "Each export runs at night."), doc(workspace, 9, "Report")]
    index_documents(documents)

    pages = [search_documents(workspace.id, "article", "export", limit=3, offset=o) for o in (0, 3, 6)]
    found = [object_id for page in pages for object_id in ids(page)]
    assert set(found[:3]) == {1, 2, 3}  # the first three matches by id, ranked
    assert found[3:] == [5, 6, 7, 8]  # further title matches in id order, then the body's
    assert [page.has_more for page in pages] == [True, True, False]
    assert ids(search_documents(workspace.id, "article", "export", limit=20)) == found
    assert sorted(ids(search_documents(workspace.id, "article", "report", limit=20))) == [3, 9]
    assert ids(search_documents(workspace.id, "article", "night", limit=20)) == [8]
