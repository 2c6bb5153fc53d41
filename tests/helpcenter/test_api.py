"""The articles and collections API: the whole life of an article, filters, pages, revisions, bad
input, roles and another workspace's ids."""

import pytest

from concierge.helpcenter.models import Article, Collection
from concierge.helpcenter.services.writing import create_article, create_collection
from concierge.workspaces.models import AuditEntry
from concierge.workspaces.services import create_api_key
from tests.api_client import ApiClient

NEW_ARTICLE = {
    "slug": "reset-password",
    "visibility": "public",
    "translations": [
        {"locale": "en", "title": "Reset your password", "body": "## By email\n\nClick *Forgot*."},
        {"locale": "es", "title": "Restablecer", "body": "Haga clic.", "state": "published"},
    ],
}


@pytest.fixture
def owner_api(workspace, owner):
    _, raw = create_api_key(workspace, name="owner", teammate=owner)
    return ApiClient({"Authorization": f"Bearer {raw}"})


@pytest.fixture
def agent_api(workspace, agent, owner):
    _, raw = create_api_key(workspace, name="agent", teammate=agent)
    return ApiClient({"Authorization": f"Bearer {raw}"})


def test_an_articles_whole_life_through_the_api(owner_api, owner):
    collection = owner_api.post("/collections", {"slug": "account", "names": {"en": "Account"}}).json()
    created = owner_api.post("/articles", {**NEW_ARTICLE, "collection_id": collection["id"]})
    assert created.status_code == 201, created.content
    article = created.json()
    assert article["collection_id"] == collection["id"]
    english, spanish = article["translations"]
    assert (english["locale"], english["state"], english["published_at"]) == ("en", "draft", None)
    assert '<h2 id="by-email">By email</h2>' in english["body_html"]
    assert english["updated_by"] == {"id": owner.pk, "name": owner.name}
    assert spanish["state"] == "published" and spanish["published_at"]
    path = f"/articles/{article['id']}"

    published = owner_api.patch(
        path, {"translations": [{**NEW_ARTICLE["translations"][0], "state": "published"}]}
    )
    assert published.json()["translations"][0]["state"] == "published"
    edited = owner_api.patch(
        path,
        {
            "slug": "password",
            "translations": [{"locale": "en", "title": "New title", "body": "New", "note": "Shorter"}],
        },
    ).json()
    assert edited["slug"] == "password"
    assert (edited["translations"][0]["title"], edited["translations"][0]["state"]) == (
        "New title",
        "published",
    )

    revisions = owner_api.get(f"{path}/translations/en/revisions").json()["items"]
    assert [(r["number"], r["note"]) for r in revisions] == [(3, "Shorter"), (2, "Published"), (1, "Created")]
    restored = owner_api.post(f"{path}/translations/en/revisions/1/restore")
    assert restored.status_code == 200
    assert restored.json()["title"] == "Reset your password"
    assert (
        owner_api.get(f"{path}/translations/en/revisions").json()["items"][0]["note"] == "Restored revision 1"
    )

    assert owner_api.patch(path, {"collection_id": None}).json()["collection_id"] is None
    assert owner_api.delete(path).status_code == 204
    assert owner_api.get(path).status_code == 404
    assert AuditEntry.objects.filter(
        action="article.deleted", actor_label__startswith="API key 'owner'"
    ).exists()


def test_articles_are_listed_with_filters_and_cursor_pages(api, workspace):
    billing = create_collection(workspace, slug="billing", names={"en": "Billing"})
    for number in range(5):
        create_article(
            workspace, slug=f"a{number}", locale="en", title=f"A{number}", body="x", collection=billing
        )
    create_article(workspace, slug="live", locale="es", title="Vivo", body="x", state="published")
    create_article(workspace, slug="staff", locale="en", title="Staff", body="x", visibility="internal")
    assert len(api.all_pages("/articles", limit=2)) == 7
    assert [a["slug"] for a in api.all_pages("/articles", state="published")] == ["live"]
    assert [a["slug"] for a in api.all_pages("/articles", locale="es")] == ["live"]
    assert [a["slug"] for a in api.all_pages("/articles", visibility="internal")] == ["staff"]
    assert len(api.all_pages("/articles", collection_id=billing.pk)) == 5
    assert api.get("/articles", locale="xx-nowhere").status_code == 422


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({**NEW_ARTICLE, "slug": "Not A Slug"}, 422, "lower-case letters"),
        ({**NEW_ARTICLE, "translations": []}, 422, "translations"),
        (
            {**NEW_ARTICLE, "translations": [{"locale": "klingon", "title": "x"}]},
            422,
            "'klingon' is not a known locale",
        ),
        ({**NEW_ARTICLE, "translations": [{"locale": "en", "title": ""}]}, 422, "title is required"),
        ({**NEW_ARTICLE, "translations": [{"locale": "en", "title": "x", "state": "live"}]}, 422, "state"),
        ({**NEW_ARTICLE, "visibility": "secret"}, 422, "visibility"),
        (
            {**NEW_ARTICLE, "translations": [NEW_ARTICLE["translations"][0]] * 2},
            422,
            "Two translations for 'en'",
        ),
        ({**NEW_ARTICLE, "translations": [{"locale": "en", "title": "a\x00b"}]}, 422, "NUL"),
        ({**NEW_ARTICLE, "collection_id": 999999}, 404, "No collection with id 999999"),
    ],
)
def test_bad_input_is_a_4xx_that_says_what_is_wrong_and_writes_nothing(api, payload, status, detail):
    response = api.post("/articles", payload)
    assert response.status_code == status, response.content
    assert detail in response.json()["detail"]
    assert not Article.objects.exists()


def test_a_slug_taken_is_a_conflict_and_an_update_is_all_or_nothing(api, workspace):
    create_article(workspace, slug="reset-password", locale="en", title="Reset", body="x")
    response = api.post("/articles", NEW_ARTICLE)
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    other = api.post("/articles", {**NEW_ARTICLE, "slug": "other"}).json()
    bad = api.patch(
        f"/articles/{other['id']}", {"slug": "renamed", "translations": [{"locale": "en", "title": ""}]}
    )
    assert bad.status_code == 422
    assert api.get(f"/articles/{other['id']}").json()["slug"] == "other"


def test_another_workspaces_ids_are_404(api, other_api, workspace):
    translation = create_article(workspace, slug="mine", locale="en", title="Mine", body="x")
    collection = create_collection(workspace, slug="mine", names={"en": "Mine"})
    path = f"/articles/{translation.article_id}"
    assert other_api.get(path).status_code == 404
    assert other_api.patch(path, {"slug": "stolen"}).status_code == 404
    assert other_api.delete(path).status_code == 404
    assert other_api.get(f"{path}/translations/en/revisions").status_code == 404
    assert other_api.post(f"{path}/translations/en/revisions/1/restore").status_code == 404
    assert other_api.get(f"/collections/{collection.pk}").status_code == 404
    assert other_api.delete(f"/collections/{collection.pk}").status_code == 404
    assert other_api.get("/articles").json()["items"] == []
    own = other_api.post("/articles", {**NEW_ARTICLE, "collection_id": collection.pk})
    assert own.status_code == 404
    assert Article.objects.get().slug == "mine"


def test_a_missing_translation_or_revision_is_404(api, workspace):
    translation = create_article(workspace, slug="mine", locale="en", title="Mine", body="x")
    path = f"/articles/{translation.article_id}/translations"
    assert "no translation in 'de'" in api.get(f"{path}/de/revisions").json()["detail"]
    assert api.post(f"{path}/en/revisions/7/restore").status_code == 404


def test_collections_through_the_api(api):
    first = api.post("/collections", {"slug": "billing", "names": {"en": "Billing", "es": "Facturación"}})
    assert first.status_code == 201
    second = api.post("/collections", {"slug": "account", "names": {"en": "Account"}}).json()
    assert second["position"] == 1
    moved = api.patch(f"/collections/{first.json()['id']}", {"position": 5, "names": {"en": "Plans"}}).json()
    assert (moved["position"], moved["names"]) == (5, {"en": "Plans"})
    assert [c["slug"] for c in api.all_pages("/collections")] == ["account", "billing"]
    assert api.post("/collections", {"slug": "billing", "names": {"en": "B"}}).status_code == 409
    bad = api.post("/collections", {"slug": "x", "names": {"zz-nowhere": "B"}})
    assert bad.status_code == 422 and "'zz-nowhere' is not a known locale" in bad.json()["detail"]
    assert api.delete(f"/collections/{first.json()['id']}").status_code == 204
    assert Collection.objects.count() == 1


def test_an_agents_key_writes_articles_but_not_collections_or_deletions(agent_api, workspace):
    assert agent_api.post("/articles", NEW_ARTICLE).status_code == 201
    article = Article.objects.get()
    assert agent_api.delete(f"/articles/{article.pk}").status_code == 403
    assert agent_api.post("/collections", {"slug": "x", "names": {"en": "X"}}).status_code == 403
    collection = create_collection(workspace, slug="billing", names={"en": "Billing"})
    assert agent_api.patch(f"/collections/{collection.pk}", {"position": 3}).status_code == 403
    assert agent_api.delete(f"/collections/{collection.pk}").status_code == 403
    assert agent_api.get("/collections").status_code == 200
