"""The teammates' help center pages (under /w/<slug>/articles/): the articles list with search, the
editor with its live preview, a translation's revisions, and the collections.

Every teammate writes, publishes and restores articles; deleting an article and arranging the
collections is for owners and admins (docs/roles.md)."""

import difflib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from concierge.core.errors import InvalidInput, NotFound, ServiceError
from concierge.core.zones import CUSTOMER_LANGUAGES, language_name
from concierge.helpcenter.forms import ArticleEdit, collection_id_from, names_from_post
from concierge.helpcenter.models import Article, ArticleTranslation
from concierge.helpcenter.selectors import articles as selectors
from concierge.helpcenter.services import writing
from concierge.workspaces.access import is_owner_or_admin, owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

ARTICLES_REFUSAL = "Only owners and admins delete articles and arrange the collections (docs/roles.md)."
MAX_SEARCH_LENGTH = 200
DONE = {
    "save": "Saved.",
    "publish": "Published: readers see it now.",
    "unpublish": "Unpublished: it is a draft again.",
    "archive": "Archived.",
}


def found_or_404(read, *args):
    try:
        return read(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def locale_or_404(locale: str) -> str:
    try:
        return writing.clean_locale(locale)
    except InvalidInput as exc:
        raise Http404(exc.message) from exc


def collection_choices(workspace) -> list[tuple[int, str]]:
    return [
        (c.pk, selectors.collection_name(c, workspace.locale) or next(iter(c.names.values()), c.slug))
        for c in selectors.collections(workspace)
    ]


def picked_collection(request, value: str):
    collection_id = collection_id_from(value)
    if collection_id is None:
        return None
    return found_or_404(selectors.collection_by_id, request.workspace, collection_id)


def language_choices(taken=()) -> list[tuple[str, str]]:
    codes = [writing.clean_locale(code) for code, _ in CUSTOMER_LANGUAGES]
    return [(code, language_name(code)) for code in codes if code not in taken]


# --- the list ---------------------------------------------------------------------------------


@teammate_page
def article_list(request):
    workspace = request.workspace
    search = request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
    state = request.GET.get("state", "")
    state = state if state in ArticleTranslation.State.values else ""
    corrected = None
    if search:
        article_ids, corrected = selectors.search_articles(workspace, search)
        found = {a.pk: a for a in selectors.articles(workspace, article_ids=article_ids)}
        articles = [found[pk] for pk in article_ids if pk in found]
    else:
        articles = list(
            selectors.articles(workspace, state=state or None).order_by(
                "collection__position", "position", "id"
            )
        )
    labels = dict(collection_choices(workspace))
    for article in articles:
        article.collection_label = labels.get(article.collection_id, "")
        article.latest_translation = max(article.translations.all(), key=lambda t: t.updated_at, default=None)
    context = {
        "articles": articles,
        "search": search,
        "corrected": corrected,
        "state": state,
        "states": ArticleTranslation.State.choices,
        "may_arrange": is_owner_or_admin(request.teammate),
        "section": "articles",
    }
    wants_rows = (
        request.htmx and not request.htmx.history_restore_request and request.htmx.target == "article-results"
    )
    response = render(request, "helpcenter/_results.html" if wants_rows else "helpcenter/list.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# --- the editor -------------------------------------------------------------------------------


def editor_context(request, edit: ArticleEdit, *, article=None, translation=None, error=None) -> dict:
    translations = list(article.translations.all()) if article else []
    return {
        "edit": edit,
        "article": article,
        "translation": translation,
        "translations": translations,
        "error": error,
        "preview": writing.render_article(edit.body),
        "collections": collection_choices(request.workspace),
        "visibilities": Article.Visibility.choices,
        "languages": language_choices(),
        "new_languages": language_choices({t.locale for t in translations}),
        "may_delete": is_owner_or_admin(request.teammate),
        "section": "articles",
    }


def refused(request, edit: ArticleEdit, exc: ServiceError, **context) -> HttpResponse:
    return render(
        request,
        "helpcenter/editor.html",
        editor_context(request, edit, error=exc, **context),
        status=exc.status_code,
    )


@teammate_page
def article_new(request):
    if request.method == "GET":
        edit = ArticleEdit(locale=request.workspace.locale)
        return render(request, "helpcenter/editor.html", editor_context(request, edit))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    edit = ArticleEdit.from_post(request.POST)
    try:
        translation = writing.create_article(
            request.workspace,
            slug=edit.slug,
            locale=edit.locale,
            title=edit.title,
            body=edit.body,
            summary=edit.summary,
            collection=picked_collection(request, edit.collection_id),
            visibility=edit.visibility,
            state=edit.state or "draft",
            teammate=request.teammate,
            note=edit.note,
        )
    except ServiceError as exc:
        return refused(request, edit, exc)
    messages.success(request, DONE[edit.action])
    return redirect("web:article-edit", request.workspace.slug, translation.article_id, translation.locale)


@teammate_page
def article_edit(request, article_id: int, locale: str):
    article = found_or_404(selectors.article_by_id, request.workspace, article_id)
    locale = locale_or_404(locale)
    translation = next((t for t in article.translations.all() if t.locale == locale), None)
    if request.method == "GET":
        if translation is not None:
            edit = ArticleEdit.from_translation(translation)
        else:  # a new language of this article
            edit = ArticleEdit(
                slug=article.slug,
                collection_id=str(article.collection_id or ""),
                visibility=article.visibility,
                locale=locale,
            )
        return render(
            request,
            "helpcenter/editor.html",
            editor_context(request, edit, article=article, translation=translation),
        )
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    edit = ArticleEdit.from_post(request.POST)
    edit.locale = locale
    try:
        writing.change_article(
            article,
            translations=[edit.words()],
            slug=edit.slug,
            collection=picked_collection(request, edit.collection_id),
            visibility=edit.visibility,
            teammate=request.teammate,
            actor=Actor.for_teammate(request.teammate),
        )
    except ServiceError as exc:
        article = selectors.article_by_id(request.workspace, article_id)
        return refused(request, edit, exc, article=article, translation=translation)
    messages.success(request, DONE[edit.action])
    return redirect("web:article-edit", request.workspace.slug, article.pk, locale)


@teammate_page
def article_translate(request, article_id: int):
    """The "add a language" picker: on to the editor for that language."""
    article = found_or_404(selectors.article_by_id, request.workspace, article_id)
    try:
        locale = writing.clean_locale(request.GET.get("locale", ""))
    except InvalidInput as exc:
        messages.error(request, exc.message)
        first = article.translations.first()
        return redirect(
            "web:article-edit", request.workspace.slug, article.pk, first.locale if first else "en"
        )
    return redirect("web:article-edit", request.workspace.slug, article.pk, locale)


@teammate_page
@require_POST
def article_preview(request):
    """The editor's live preview: the body as readers will see it, rendered by the server."""
    try:
        html = writing.render_article(writing.clean_body(request.POST.get("body", "")))
    except InvalidInput as exc:
        return render(request, "helpcenter/_preview.html", {"error": exc.message})
    return render(request, "helpcenter/_preview.html", {"preview": html})


@owners_and_admins_page(ARTICLES_REFUSAL)
@require_POST
def article_delete(request, article_id: int):
    article = found_or_404(selectors.article_by_id, request.workspace, article_id)
    writing.delete_article(article, teammate=request.teammate)
    messages.success(request, f"Article {article.slug} deleted, with every language of it.")
    return redirect("web:articles", request.workspace.slug)


# --- revisions --------------------------------------------------------------------------------


def body_diff(older: str, newer: str) -> list[tuple[str, str]]:
    """(kind, line) for the lines that changed, with a little context; kind: add, del, same, gap."""
    lines = []
    for line in difflib.unified_diff(older.splitlines(), newer.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        elif line.startswith("+"):
            lines.append(("add", line[1:]))
        elif line.startswith("-"):
            lines.append(("del", line[1:]))
        else:
            lines.append(("same", line[1:]))
    return lines


@teammate_page
def article_revisions(request, article_id: int, locale: str):
    article = found_or_404(selectors.article_by_id, request.workspace, article_id)
    translation = found_or_404(selectors.translation_of, article, locale_or_404(locale))
    revisions = list(selectors.revisions_of(translation))  # newest first
    shown = []
    for index, revision in enumerate(revisions):
        older = revisions[index + 1] if index + 1 < len(revisions) else None
        shown.append(
            {
                "revision": revision,
                "title_changed": older is not None and older.title != revision.title,
                "older_title": older.title if older else "",
                "diff": body_diff(older.body if older else "", revision.body),
                "is_current": index == 0,
            }
        )
    context = {"article": article, "translation": translation, "revisions": shown, "section": "articles"}
    return render(request, "helpcenter/revisions.html", context)


@teammate_page
@require_POST
def article_restore(request, article_id: int, locale: str, number: int):
    article = found_or_404(selectors.article_by_id, request.workspace, article_id)
    translation = found_or_404(selectors.translation_of, article, locale_or_404(locale))
    revision = found_or_404(selectors.revision_by_number, translation, number)
    writing.restore_revision(revision, teammate=request.teammate)
    messages.success(request, f"Revision {number} restored (as a new revision).")
    return redirect("web:article-edit", request.workspace.slug, article.pk, translation.locale)


# --- collections ------------------------------------------------------------------------------


def collections_context(request, **extra) -> dict:
    workspace = request.workspace
    collections = list(selectors.collections(workspace))
    locales = sorted({workspace.locale, *(key for c in collections for key in c.names)})
    return {
        "collections": collections,
        "locales": [(code, language_name(code)) for code in locales],
        "languages": language_choices(),
        "may_arrange": is_owner_or_admin(request.teammate),
        "section": "articles",
        **extra,
    }


@teammate_page
def collection_list(request):
    """GET: the collections (anyone); POST: a new one (owners and admins)."""
    if request.method == "GET":
        return render(request, "helpcenter/collections.html", collections_context(request))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if not is_owner_or_admin(request.teammate):
        return render(request, "workspaces/forbidden.html", {"refusal": ARTICLES_REFUSAL}, status=403)
    typed = {
        "slug": request.POST.get("slug", ""),
        "locale": request.POST.get("locale", ""),
        "name": request.POST.get("name", ""),
    }
    try:
        collection = writing.create_collection(
            request.workspace,
            slug=typed["slug"],
            names={typed["locale"] or request.workspace.locale: typed["name"]},
            actor=Actor.for_teammate(request.teammate),
        )
    except ServiceError as exc:
        context = collections_context(request, error=exc, typed=typed)
        return render(request, "helpcenter/collections.html", context, status=exc.status_code)
    messages.success(request, f"Collection {collection.slug} created.")
    return redirect("web:article-collections", request.workspace.slug)


@owners_and_admins_page(ARTICLES_REFUSAL)
@require_POST
def collection_update(request, collection_id: int):
    """Rename per language (blank a name to remove it), add a language, move it."""
    collection = found_or_404(selectors.collection_by_id, request.workspace, collection_id)
    names = names_from_post(request.POST, "name-")
    new_locale, new_name = (
        request.POST.get("new_locale", "").strip(),
        request.POST.get("new_name", "").strip(),
    )
    if new_locale or new_name:
        names[new_locale] = new_name
    position = request.POST.get("position", "").strip()
    try:
        fields = {"names": names}
        if position:
            if not (position.isascii() and position.isdigit()) or len(position) > 7:
                raise InvalidInput("position must be a whole number from 0 to 1000000.", field="position")
            fields["position"] = int(position)
        writing.update_collection(collection, actor=Actor.for_teammate(request.teammate), **fields)
    except ServiceError as exc:
        context = collections_context(request, error=exc, failed_id=collection.pk)
        return render(request, "helpcenter/collections.html", context, status=exc.status_code)
    messages.success(request, f"Collection {collection.slug} saved.")
    return redirect("web:article-collections", request.workspace.slug)


@owners_and_admins_page(ARTICLES_REFUSAL)
@require_POST
def collection_delete(request, collection_id: int):
    collection = found_or_404(selectors.collection_by_id, request.workspace, collection_id)
    writing.delete_collection(collection, actor=Actor.for_teammate(request.teammate))
    messages.success(request, f"Collection {collection.slug} deleted; its articles are now in no collection.")
    return redirect("web:article-collections", request.workspace.slug)
