"""Writing the help center: collections, articles, translations, revisions, rendering, the trail."""

from datetime import UTC, datetime

import pytest

from concierge.core.errors import Conflict, InvalidInput
from concierge.core.search import search_documents
from concierge.helpcenter.models import Article, ArticleRevision, ArticleTranslation, Collection
from concierge.helpcenter.selectors.articles import content_version, published_sections, search_articles
from concierge.helpcenter.services.writing import (
    create_article,
    create_collection,
    delete_article,
    delete_collection,
    render_article,
    restore_revision,
    save_translation,
    set_translation_state,
    update_article,
    update_collection,
)
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import Actor

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BODY = "Open **Settings**.\n\n## By email\n\nClick *Forgot password*.\n\n### Still stuck?\n\nWrite to us."


@pytest.fixture
def billing(workspace, owner):
    return create_collection(
        workspace,
        slug="billing",
        names={"en": "Billing", "es": "Facturación"},
        actor=Actor.for_teammate(owner),
    )


def new_article(workspace, **overrides):
    fields = {"slug": "reset-password", "locale": "en", "title": "Reset your password", "body": BODY}
    return create_article(workspace, **{**fields, **overrides})


# --- collections ----------------------------------------------------------------------------


def test_a_collection_is_created_named_per_language_and_audited(workspace, owner, billing):
    assert billing.names == {"en": "Billing", "es": "Facturación"}
    assert billing.position == 0
    second = create_collection(workspace, slug="account", names={"en": "Account"})
    assert second.position == 1
    entry = AuditEntry.objects.get(action="collection.created", target_id=billing.pk)
    assert entry.actor_teammate == owner
    assert entry.changes["slug"] == [None, "billing"]


def test_a_collection_update_changes_only_what_it_names_and_audits_the_change(workspace, billing):
    update_collection(billing, names={"en": "Billing & plans", "es": "Facturación"}, position=4)
    billing.refresh_from_db()
    assert billing.names["en"] == "Billing & plans"
    assert billing.position == 4
    entry = AuditEntry.objects.get(action="collection.updated")
    assert set(entry.changes) == {"names", "position"}
    update_collection(billing, position=4)
    assert AuditEntry.objects.filter(action="collection.updated").count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "Billing Plans", "names": {"en": "B"}}, "lower-case"),
        ({"slug": "billing-2", "names": {}}, "at least one language"),
        ({"slug": "billing-2", "names": {"xx-nowhere": "B"}}, "'xx-nowhere' is not a known locale"),
        ({"slug": "billing-2", "names": {"en": ""}}, "names[en] is required"),
        ({"slug": "billing-2", "names": "Billing"}, "must map a language"),
    ],
)
def test_a_bad_collection_is_refused_with_what_is_wrong(workspace, fields, message):
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        create_collection(workspace, **fields)
    assert not Collection.objects.exists()


def test_two_collections_cannot_share_a_slug(workspace, billing):
    with pytest.raises(Conflict, match="'billing' already exists"):
        create_collection(workspace, slug="billing", names={"en": "Other"})
    other = create_collection(workspace, slug="other", names={"en": "Other"})
    with pytest.raises(Conflict):
        update_collection(other, slug="billing")
    other.refresh_from_db()
    assert other.slug == "other"


def test_deleting_a_collection_keeps_its_articles(workspace, billing):
    translation = new_article(workspace, collection=billing)
    delete_collection(billing)
    article = Article.objects.get(pk=translation.article_id)
    assert article.collection is None
    assert AuditEntry.objects.filter(action="collection.deleted").exists()


def test_an_unknown_collection_field_is_refused(billing):
    with pytest.raises(InvalidInput, match="no field colour"):
        update_collection(billing, colour="red")


# --- articles and translations --------------------------------------------------------------


def test_an_article_is_created_as_a_draft_with_its_first_revision(workspace, owner, billing):
    translation = new_article(workspace, collection=billing, teammate=owner, at=AT)
    assert translation.state == "draft"
    assert translation.published_at is None
    assert translation.article.collection == billing
    assert translation.article.created_by == owner
    revision = translation.revisions.get()
    assert (revision.number, revision.note, revision.teammate, revision.title) == (
        1,
        "Created",
        owner,
        "Reset your password",
    )
    assert AuditEntry.objects.get(action="article.created").actor_teammate == owner


def test_published_at_is_set_when_first_published_and_kept_after(workspace, owner):
    translation = new_article(workspace, at=AT)
    later = datetime(2026, 3, 3, tzinfo=UTC)
    set_translation_state(translation, "published", teammate=owner, at=later)
    assert translation.published_at == later
    set_translation_state(translation, "draft", at=datetime(2026, 3, 4, tzinfo=UTC))
    set_translation_state(translation, "published", at=datetime(2026, 3, 5, tzinfo=UTC))
    translation.refresh_from_db()
    assert translation.published_at == later
    notes = list(translation.revisions.order_by("number").values_list("note", flat=True))
    assert notes == ["Created", "Published", "Unpublished", "Published"]


def test_a_second_language_is_one_more_translation_of_the_same_article(workspace, owner):
    english = new_article(workspace, state="published")
    spanish = save_translation(
        english.article,
        locale="es",
        title="Restablecer la contraseña",
        body="Abra **Ajustes**.",
        teammate=owner,
    )
    assert spanish.article_id == english.article_id
    assert spanish.state == "draft"
    assert set(english.article.translations.values_list("locale", flat=True)) == {"en", "es"}


def test_saving_the_same_words_writes_no_revision(workspace):
    translation = new_article(workspace)
    save_translation(translation.article, locale="en", title="Reset your password", body=BODY)
    assert translation.revisions.count() == 1
    save_translation(
        translation.article, locale="en", title="Reset your password", body=BODY + "\n\nMore.", note="Typo"
    )
    assert list(translation.revisions.values_list("number", "note")) == [(2, "Typo"), (1, "Created")]


def test_a_locale_is_written_one_way(workspace):
    translation = new_article(workspace, locale="pt_br")
    assert translation.locale == "pt-BR"
    same = save_translation(translation.article, locale="PT-br", title="Outro", body="x")
    assert same.pk == translation.pk


def test_restoring_a_revision_brings_back_its_words_as_a_new_revision(workspace, owner):
    translation = new_article(workspace, state="published")
    save_translation(translation.article, locale="en", title="Changed", body="New words")
    first = translation.revisions.get(number=1)
    restored = restore_revision(first, teammate=owner)
    assert (restored.title, restored.body, restored.state) == ("Reset your password", BODY, "published")
    latest = restored.revisions.first()
    assert (latest.number, latest.note, latest.teammate) == (3, "Restored revision 1", owner)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "Reset Password"}, "lower-case letters, digits and single hyphens"),
        ({"slug": "reset--password"}, "single hyphens"),
        ({"slug": ""}, "slug is required"),
        ({"title": ""}, "title is required"),
        ({"title": "x" * 201}, "title is 201 characters long; the limit is 200"),
        ({"locale": "klingon-XX"}, "locale 'klingon-XX' is not a known locale"),
        ({"locale": ""}, "locale is required"),
        ({"state": "live"}, "state 'live' is not one of: draft, published, archived"),
        ({"visibility": "secret"}, "visibility 'secret' is not one of: public, internal"),
        ({"body": "a\x00b"}, "body contains a control character"),
    ],
)
def test_a_bad_article_is_refused_with_what_is_wrong_and_nothing_written(workspace, overrides, message):
    with pytest.raises(InvalidInput, match=message):
        new_article(workspace, **overrides)
    assert not Article.objects.exists()
    assert not ArticleTranslation.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="article.").exists()


def test_an_article_slug_is_unique_in_its_workspace_only(workspace, other_workspace):
    new_article(workspace)
    with pytest.raises(Conflict, match="'reset-password' already exists in this workspace"):
        new_article(workspace)
    assert Article.objects.filter(workspace=workspace).count() == 1
    assert new_article(other_workspace).article.workspace == other_workspace


def test_another_workspaces_collection_or_teammate_is_refused(workspace, other_workspace):
    foreign = create_collection(other_workspace, slug="billing", names={"en": "Billing"})
    with pytest.raises(InvalidInput, match="collection belongs to another workspace"):
        new_article(workspace, collection=foreign)
    stranger = other_workspace.teammates.get()
    with pytest.raises(InvalidInput, match="teammate belongs to another workspace"):
        new_article(workspace, teammate=stranger)
    assert not Article.objects.filter(workspace=workspace).exists()


def test_an_article_update_is_audited_and_its_slug_stays_unique(workspace, owner, billing):
    translation = new_article(workspace)
    article = update_article(
        translation.article, teammate=owner, slug="new-password", collection=billing, visibility="internal"
    )
    article.refresh_from_db()
    assert (article.slug, article.collection, article.visibility) == ("new-password", billing, "internal")
    entry = AuditEntry.objects.get(action="article.updated")
    assert entry.changes["slug"] == ["reset-password", "new-password"]
    assert entry.changes["visibility"] == ["public", "internal"]
    other = new_article(workspace, slug="other").article
    with pytest.raises(Conflict):
        update_article(other, slug="new-password")
    with pytest.raises(InvalidInput, match="no field title"):
        update_article(other, title="x")


def test_deleting_an_article_removes_its_translations_and_revisions(workspace, owner):
    translation = new_article(workspace)
    delete_article(translation.article, teammate=owner)
    assert not ArticleTranslation.objects.exists()
    assert not ArticleRevision.objects.exists()
    assert AuditEntry.objects.get(action="article.deleted").target_label == "reset-password"


# --- rendering --------------------------------------------------------------------------------


def test_markdown_renders_tables_code_images_and_heading_anchors():
    html = render_article(
        "## Reset it\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hi')\n```\n\n"
        "![Screen](https://example.com/a.png)\n\n## Reset it\n"
    )
    assert '<h2 id="reset-it">Reset it</h2>' in html
    assert '<h2 id="reset-it-2">' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>print('hi')" in html
    assert '<img src="https://example.com/a.png" alt="Screen">' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>Hello",
        '<img src="https://example.com/x.png" onerror="alert(1)">',
        '<p style="position:fixed" onclick="alert(1)">Hello</p>',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        "![x](javascript:alert(1))",
    ],
)
def test_markdown_with_script_or_event_handlers_is_rendered_safe(markdown):
    html = render_article(markdown).lower().replace(" ", "")
    for danger in (
        "<script",
        "onerror",
        "onclick",
        "style=",
        'href="javascript',
        'src="javascript',
        "<iframe",
    ):
        assert danger not in html


def test_a_stored_translation_holds_the_sanitised_html(workspace):
    translation = new_article(workspace, body="Hi <script>alert(1)</script> <b onclick='x()'>there</b>")
    assert "<script" not in translation.body_html
    assert "onclick" not in translation.body_html
    assert "<b>there</b>" in translation.body_html


# --- what the bot reads -----------------------------------------------------------------------


def test_published_sections_cut_each_published_translation_at_its_headings(workspace, billing):
    new_article(workspace, collection=billing, state="published")
    save_translation(Article.objects.get(), locale="es", title="Restablecer", body="Hola", state="published")
    new_article(workspace, slug="draft-one", title="Draft")
    new_article(workspace, slug="internal-one", visibility="internal", state="published")
    sections = published_sections(workspace, locale="en")
    assert [(s.slug, s.heading, s.collection) for s in sections] == [
        ("reset-password", None, "Billing"),
        ("reset-password", "By email", "Billing"),
    ]
    assert sections[1].text.startswith("Click *Forgot password*.")
    spanish = published_sections(workspace, locale="es")
    assert [(s.title, s.collection) for s in spanish] == [("Restablecer", "Facturación")]
    both = published_sections(workspace, locale="en", audiences=("public", "internal"))
    assert {s.slug for s in both} == {"reset-password", "internal-one"}


def test_content_version_changes_whenever_published_content_changes(workspace, billing):
    empty = content_version(workspace)
    translation = new_article(workspace)
    assert content_version(workspace) == empty  # a draft changes nothing the bot reads
    set_translation_state(translation, "published")
    published = content_version(workspace)
    assert published != empty
    save_translation(translation.article, locale="en", title="New title", body=BODY)
    edited = content_version(workspace)
    assert edited != published
    update_article(translation.article, collection=billing)
    moved = content_version(workspace)
    assert moved != edited
    update_collection(billing, names={"en": "Payments"})
    assert content_version(workspace) != moved
    assert content_version(workspace) == content_version(workspace)


# --- the search index -------------------------------------------------------------------------


def found(workspace, query, audiences=("public",), locale=None):
    results = search_documents(workspace.pk, "article", query, audiences=audiences, locale=locale)
    return [hit.object_id for hit in results.hits]


def test_a_translation_is_searchable_only_while_published(workspace):
    translation = new_article(workspace)
    assert found(workspace, "password") == []
    set_translation_state(translation, "published")
    assert found(workspace, "password") == [translation.pk]
    assert found(workspace, "stuck") == [translation.pk]  # a ### heading
    set_translation_state(translation, "archived")
    assert found(workspace, "password") == []
    set_translation_state(translation, "published")
    set_translation_state(translation, "draft")
    assert found(workspace, "password") == []


def test_new_words_are_indexed_and_old_ones_forgotten(workspace):
    translation = new_article(workspace, state="published")
    save_translation(translation.article, locale="en", title="Change your email", body="Open your profile.")
    assert found(workspace, "password") == []
    assert found(workspace, "profile") == [translation.pk]
    restore_revision(translation.revisions.get(number=1))
    assert found(workspace, "password") == [translation.pk]


def test_the_audience_follows_the_articles_visibility(workspace):
    translation = new_article(workspace, state="published")
    update_article(translation.article, visibility="internal")
    assert found(workspace, "password") == []
    assert found(workspace, "password", audiences=("internal",)) == [translation.pk]
    update_article(translation.article, visibility="public")
    assert found(workspace, "password") == [translation.pk]


def test_each_language_is_indexed_in_its_locale_and_removed_with_its_article(workspace):
    english = new_article(workspace, state="published")
    spanish = save_translation(
        english.article, locale="es", title="Contraseña", body="Olvidé", state="published"
    )
    assert found(workspace, "contraseña", locale="es") == [spanish.pk]
    assert found(workspace, "password", locale="es") == []
    delete_article(english.article)
    assert found(workspace, "password") == [] and found(workspace, "contraseña") == []


def test_the_teammates_search_finds_public_and_internal_articles_with_typos(workspace):
    public = new_article(workspace, state="published")
    internal = new_article(
        workspace,
        slug="refunds",
        title="Refund policy",
        body="Refunds within 30 days.",
        visibility="internal",
        state="published",
    )
    assert search_articles(workspace, "refund")[0] == [internal.article_id]
    ids, corrected = search_articles(workspace, "pasword")
    assert ids == [public.article_id]
    assert corrected == "password"
