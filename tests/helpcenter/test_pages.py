"""The teammates' help center pages: list and search, the editor and its preview, revisions,
collections; errors in place; roles; another workspace's ids."""

import pytest
from django.test import Client

from concierge.helpcenter.models import Article, ArticleTranslation, Collection
from concierge.helpcenter.services.writing import create_article, create_collection, save_translation
from concierge.workspaces.models import AuditEntry


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent.user)
    return client


@pytest.fixture
def billing(workspace):
    return create_collection(workspace, slug="billing", names={"en": "Billing", "es": "Facturación"})


@pytest.fixture
def article(workspace, billing, owner):
    translation = create_article(
        workspace,
        slug="invoices",
        locale="en",
        title="Download an invoice",
        body="## Where\n\nUnder *Billing*.",
        collection=billing,
        state="published",
        teammate=owner,
    )
    save_translation(
        translation.article,
        locale="es",
        title="Descargar una factura",
        body="En *Facturación*.",
        teammate=owner,
    )
    return translation.article


def page(path: str) -> str:
    return f"/w/acme/articles/{path}"


def test_the_list_shows_each_language_with_its_state_and_the_nav_links_it(owner_client, article):
    response = owner_client.get(page(""))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/w/acme/articles/" aria-current="page">Articles</a>' in html
    assert "Download an invoice" in html and "Billing" in html
    assert "en · Published" in html and "es · Draft" in html
    assert "by Olivia Owner" in html


def test_the_search_finds_published_articles_with_a_typo_and_the_filter_by_state(
    owner_client, workspace, article
):
    create_article(
        workspace,
        slug="staff-only",
        locale="en",
        title="Refund rules",
        body="x",
        visibility="internal",
        state="published",
    )
    html = owner_client.get(page(""), {"q": "invoise"}).content.decode()
    assert "Download an invoice" in html and "searched as “invoice”" in html
    assert "Refund rules" not in html
    assert "Refund rules" in owner_client.get(page(""), {"q": "refund"}).content.decode()
    rows = owner_client.get(
        page(""), {"state": "draft"}, headers={"HX-Request": "true", "HX-Target": "article-results"}
    )
    assert "<html" not in rows.content.decode()
    assert "Download an invoice" in rows.content.decode()  # it has a draft (Spanish)
    assert "Refund rules" not in rows.content.decode()


def test_a_new_article_is_written_and_published_from_the_editor(owner_client, owner, billing):
    assert owner_client.get(page("new/")).status_code == 200
    response = owner_client.post(
        page("new/"),
        {
            "slug": "reset-password",
            "collection": billing.pk,
            "visibility": "public",
            "locale": "en",
            "title": "Reset your password",
            "summary": "",
            "body": "## Steps\n\nClick.",
            "action": "publish",
        },
    )
    translation = ArticleTranslation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(f"{translation.article_id}/en/")
    assert (translation.state, translation.updated_by, translation.article.collection) == (
        "published",
        owner,
        billing,
    )
    editor = owner_client.get(response["Location"]).content.decode()
    assert "Published: readers see it now." in editor
    assert '<h2 id="steps">Steps</h2>' in editor  # the preview, rendered by the server
    assert ">Unpublish</button>" in editor


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Not a slug", "lower-case letters"),
        ("title", "", "title is required"),
        ("locale", "klingon", "locale &#x27;klingon&#x27; is not a known locale"),
        ("visibility", "secret", "visibility"),
        ("body", "a\x01b", "body contains a control character"),
    ],
)
def test_a_bad_new_article_shows_the_error_in_place_and_writes_nothing(owner_client, field, value, message):
    typed = {
        "slug": "ok-slug",
        "locale": "en",
        "title": "A title",
        "body": "Typed words",
        "visibility": "public",
    }
    response = owner_client.post(page("new/"), {**typed, field: value})
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html and 'role="alert"' in html
    assert "aria-invalid" in html
    if field != "body":
        assert "Typed words" in html  # what was typed is kept
    assert not Article.objects.exists()


def test_editing_a_translation_keeps_its_state_and_writes_a_revision(
    owner_client, agent_client, agent, article
):
    response = agent_client.post(
        page(f"{article.pk}/en/"),
        {
            "slug": "invoices",
            "collection": "",
            "visibility": "public",
            "title": "Get an invoice",
            "body": "New words",
            "note": "Shorter",
            "action": "save",
        },
    )
    assert response.status_code == 302
    english = article.translations.get(locale="en")
    assert (english.title, english.state, english.updated_by) == ("Get an invoice", "published", agent)
    assert english.revisions.first().note == "Shorter"
    article.refresh_from_db()
    assert article.collection is None
    assert AuditEntry.objects.filter(action="article.updated", actor_teammate=agent).exists()


def test_a_taken_slug_in_the_editor_is_a_409_in_place(owner_client, workspace, article):
    create_article(workspace, slug="taken", locale="en", title="T", body="x")
    response = owner_client.post(
        page(f"{article.pk}/en/"),
        {
            "slug": "taken",
            "visibility": "public",
            "title": "Download an invoice",
            "body": "changed",
            "action": "save",
        },
    )
    assert response.status_code == 409
    assert "already exists" in response.content.decode()
    assert article.translations.get(locale="en").body.startswith("## Where")


def test_a_new_language_is_added_through_its_tab(owner_client, article):
    response = owner_client.get(page(f"{article.pk}/translate/"), {"locale": "de"})
    assert response["Location"] == page(f"{article.pk}/de/")
    assert "New</span>" in owner_client.get(response["Location"]).content.decode()
    owner_client.post(
        response["Location"],
        {
            "slug": "invoices",
            "visibility": "public",
            "title": "Rechnung",
            "body": "Hier.",
            "action": "publish",
        },
    )
    assert article.translations.get(locale="de").state == "published"
    bad = owner_client.get(page(f"{article.pk}/translate/"), {"locale": "nowhere-XX"}, follow=True)
    assert "not a known locale" in bad.content.decode()


def test_the_live_preview_is_rendered_safe_by_the_server(owner_client):
    response = owner_client.post(
        page("preview/"), {"body": "# Hi\n\n<script>alert(1)</script><b onclick='x'>b</b>"}
    )
    html = response.content.decode()
    assert '<h1 id="hi">Hi</h1>' in html
    assert "<script" not in html and "onclick" not in html
    assert "control character" in owner_client.post(page("preview/"), {"body": "a\x01"}).content.decode()


def test_revisions_show_what_changed_and_one_is_restored(owner_client, owner, article):
    save_translation(article, locale="en", title="Download an invoice", body="## Where\n\nUnder *Plans*.")
    html = owner_client.get(page(f"{article.pk}/en/revisions/")).content.decode()
    assert "Revision 2" in html and "Revision 1" in html
    assert '<span class="diff-del">- Under *Billing*.</span>' in html
    assert '<span class="diff-add">+ Under *Plans*.</span>' in html
    response = owner_client.post(page(f"{article.pk}/en/revisions/1/restore/"))
    assert response.status_code == 302
    english = article.translations.get(locale="en")
    assert english.body.endswith("*Billing*.")
    assert english.revisions.first().note == "Restored revision 1"
    assert owner_client.post(page(f"{article.pk}/en/revisions/9/restore/")).status_code == 404


def test_collections_are_created_renamed_per_language_moved_and_deleted(owner_client, billing, article):
    response = owner_client.post(
        page("collections/"), {"name": "Your account", "locale": "en", "slug": "account"}
    )
    assert response.status_code == 302
    account = Collection.objects.get(slug="account")
    assert account.names == {"en": "Your account"}
    owner_client.post(
        page(f"collections/{billing.pk}/"),
        {"name-en": "Plans", "name-es": "", "new_locale": "de", "new_name": "Pläne", "position": "9"},
    )
    billing.refresh_from_db()
    assert (billing.names, billing.position) == ({"en": "Plans", "de": "Pläne"}, 9)
    html = owner_client.get(page("collections/")).content.decode()
    assert html.index('data-collection="account"') < html.index('data-collection="billing"')
    bad = owner_client.post(page("collections/"), {"name": "X", "locale": "en", "slug": "account"})
    assert bad.status_code == 409 and "already exists" in bad.content.decode()
    unnamed = owner_client.post(page(f"collections/{billing.pk}/"), {"name-en": "", "position": "1"})
    assert unnamed.status_code == 422 and "at least one language" in unnamed.content.decode()
    owner_client.post(page(f"collections/{billing.pk}/delete/"))
    article.refresh_from_db()
    assert article.collection is None


def test_an_agent_writes_articles_but_neither_deletes_them_nor_arranges_collections(
    agent_client, billing, article
):
    assert agent_client.get(page("collections/")).status_code == 200
    assert agent_client.post(page("collections/"), {"name": "X", "slug": "x"}).status_code == 403
    assert agent_client.post(page(f"collections/{billing.pk}/"), {"name-en": "Y"}).status_code == 403
    assert agent_client.post(page(f"collections/{billing.pk}/delete/")).status_code == 403
    assert agent_client.post(page(f"{article.pk}/delete/")).status_code == 403
    assert "Delete article" not in agent_client.get(page(f"{article.pk}/en/")).content.decode()
    assert Article.objects.exists() and Collection.objects.filter(slug="billing").exists()


def test_an_owner_deletes_an_article(owner_client, article):
    assert owner_client.post(page(f"{article.pk}/delete/")).status_code == 302
    assert not Article.objects.exists()


def test_another_workspaces_articles_are_not_found(workspace, other_workspace, article, client):
    stranger = other_workspace.teammates.get()
    client.force_login(stranger.user)
    assert client.get(page("")).status_code == 404
    foreign = create_article(other_workspace, slug="theirs", locale="en", title="Theirs", body="x")
    own = Client()
    own.force_login(workspace.teammates.get(role="owner").user)
    assert own.get(page(f"{foreign.article_id}/en/")).status_code == 404
    assert own.get(page(f"{foreign.article_id}/en/revisions/")).status_code == 404
    assert own.post(page(f"{foreign.article_id}/delete/")).status_code == 404
    theirs = create_collection(other_workspace, slug="theirs", names={"en": "Theirs"})
    assert own.post(page(f"collections/{theirs.pk}/delete/")).status_code == 404
    assert (
        own.post(
            page("new/"),
            {"slug": "x", "locale": "en", "title": "X", "collection": theirs.pk, "visibility": "public"},
        ).status_code
        == 404
    )
    assert own.get(page(f"{article.pk}/not-a-language-at-all/")).status_code == 404


def test_numbers_in_another_script_are_refused_not_a_server_error(owner_client, billing, article):
    typed = {"slug": "x", "locale": "en", "title": "X", "visibility": "public", "collection": "²"}
    assert owner_client.post(page("new/"), typed).status_code == 404
    moved = owner_client.post(page(f"collections/{billing.pk}/"), {"name-en": "Billing", "position": "²"})
    assert moved.status_code == 422 and "position must be a whole number" in moved.content.decode()
