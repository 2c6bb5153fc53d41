"""Writing the help center: collections, articles and their translations, revisions.

Each function validates, changes its rows in one transaction and keeps the search index in step in
that same transaction. Collections, and an article's slug, collection, visibility and deletion, are
configuration: they go to the workspace's audit trail. A translation's words have revisions instead
(who wrote what, restorable)."""

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from concierge.core import db
from concierge.core.errors import Conflict, InvalidInput
from concierge.core.text import clean_short_text, refuse_control_characters
from concierge.core.zones import validate_locale_name
from concierge.helpcenter.models import Article, ArticleRevision, ArticleTranslation, Collection
from concierge.helpcenter.services import indexing
from concierge.helpcenter.services.rendering import render_article
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, changed_fields, field_values, record_audit

__all__ = [
    "create_article",
    "create_collection",
    "delete_article",
    "delete_collection",
    "render_article",
    "restore_revision",
    "save_translation",
    "set_translation_state",
    "update_article",
    "update_collection",
]

State = ArticleTranslation.State
Visibility = Article.Visibility
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 120
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
COLLECTION_NAME_MAX_LENGTH = 120
COLLECTION_DESCRIPTION_MAX_LENGTH = 500
BODY_MAX_LENGTH = 100_000
NOTE_MAX_LENGTH = 200
COLLECTION_FIELDS = ("slug", "names", "descriptions", "position")
ARTICLE_FIELDS = ("slug", "collection", "visibility", "position")
STATE_NOTES = {State.DRAFT: "Unpublished", State.PUBLISHED: "Published", State.ARCHIVED: "Archived"}


# --- validation -------------------------------------------------------------------------------


def clean_slug(value, *, field: str = "slug") -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{field} is required.", field=field)
    if len(value) > SLUG_MAX_LENGTH:
        raise InvalidInput(
            f"{field} is {len(value)} characters long; the limit is {SLUG_MAX_LENGTH}.", field=field
        )
    if not SLUG_PATTERN.match(value):
        raise InvalidInput(
            f"{field} '{value}' may hold only lower-case letters, digits and single hyphens "
            "(e.g. 'reset-your-password').",
            field=field,
        )
    return value


def clean_locale(value, *, field: str = "locale") -> str:
    """A known language tag, written one way ('pt_br' and 'pt-BR' are both 'pt-BR'), so one article
    never gets two translations for the same language."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} is required (a language such as 'en' or 'pt-BR').", field=field)
    value = value.strip()
    validate_locale_name(value, field=field)
    language, _, rest = value.replace("_", "-").partition("-")
    parts = [language.lower()]
    for part in rest.split("-") if rest else []:
        parts.append(part.upper() if len(part) == 2 else part.title())
    return "-".join(parts)


def clean_title(value) -> str:
    return clean_short_text(value, field="title", max_length=TITLE_MAX_LENGTH, required=True)


def clean_summary(value) -> str:
    return clean_short_text(value, field="summary", max_length=SUMMARY_MAX_LENGTH)


def clean_body(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("body must be text (Markdown).", field="body")
    refuse_control_characters(value, field="body", allowed="\t\n\r")
    # Blank lines around the text mean nothing in Markdown; dropping them lets a file written back
    # by an export read the same as what is stored.
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    if len(value) > BODY_MAX_LENGTH:
        raise InvalidInput(
            f"body is {len(value)} characters long; the limit is {BODY_MAX_LENGTH}.", field="body"
        )
    return value


def clean_state(value, *, field: str = "state") -> str:
    if value not in State.values:
        raise InvalidInput(f"{field} '{value}' is not one of: {', '.join(State.values)}.", field=field)
    return value


def clean_visibility(value) -> str:
    if value not in Visibility.values:
        raise InvalidInput(
            f"visibility '{value}' is not one of: {', '.join(Visibility.values)}.", field="visibility"
        )
    return value


def clean_position(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise InvalidInput("position must be a whole number from 0 to 1000000.", field="position")
    return value


def clean_names(value, *, field: str, max_length: int, required: bool) -> dict[str, str]:
    """{"en": "Billing", "es": "Facturación"}: each key a known language, each value short text."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise InvalidInput(f'{field} must map a language to a text, e.g. {{"en": "Billing"}}.', field=field)
    cleaned = {}
    for locale, text in value.items():
        key = clean_locale(locale, field=f"{field} language")
        text = clean_short_text(text, field=f"{field}[{key}]", max_length=max_length, required=required)
        if text:
            cleaned[key] = text
    if required and not cleaned:
        raise InvalidInput(f'{field} needs at least one language, e.g. {{"en": "Billing"}}.', field=field)
    return cleaned


def check_teammate(workspace: Workspace, teammate: Teammate | None) -> None:
    if teammate is not None and teammate.workspace_id != workspace.pk:
        raise InvalidInput("The teammate belongs to another workspace.", field="teammate")


def check_collection(workspace: Workspace, collection: Collection | None) -> None:
    if collection is not None and collection.workspace_id != workspace.pk:
        raise InvalidInput("The collection belongs to another workspace.", field="collection")


def acting(teammate: Teammate | None, actor: Actor | None) -> Actor:
    if actor is not None:
        return actor
    return Actor.for_teammate(teammate) if teammate is not None else SYSTEM


# --- collections ------------------------------------------------------------------------------


def next_collection_position(workspace: Workspace) -> int:
    highest = Collection.objects.filter(workspace=workspace).aggregate(top=Max("position"))["top"]
    return 0 if highest is None else highest + 1


def create_collection(
    workspace: Workspace,
    *,
    slug: str,
    names: dict[str, str],
    descriptions: dict[str, str] | None = None,
    position: int | None = None,
    actor: Actor | None = None,
    at: datetime | None = None,
) -> Collection:
    slug = clean_slug(slug)
    names = clean_names(names, field="names", max_length=COLLECTION_NAME_MAX_LENGTH, required=True)
    descriptions = clean_names(
        descriptions, field="descriptions", max_length=COLLECTION_DESCRIPTION_MAX_LENGTH, required=False
    )
    try:
        with transaction.atomic():
            collection = Collection.objects.create(
                workspace=workspace,
                slug=slug,
                names=names,
                descriptions=descriptions,
                position=next_collection_position(workspace)
                if position is None
                else clean_position(position),
                created_at=at or timezone.now(),
            )
            record_audit(
                workspace,
                "collection.created",
                actor=acting(None, actor),
                target=collection,
                changes=changed_fields({}, field_values(collection, COLLECTION_FIELDS)),
                at=at,
            )
    except IntegrityError as exc:
        raise Conflict(f"A collection with the slug '{slug}' already exists.", field="slug") from exc
    return collection


def clean_collection_fields(fields: dict) -> dict:
    unknown = set(fields) - set(COLLECTION_FIELDS)
    if unknown:
        raise InvalidInput(
            f"A collection has no field {', '.join(sorted(unknown))}.", field=sorted(unknown)[0]
        )
    cleaned = {}
    if "slug" in fields:
        cleaned["slug"] = clean_slug(fields["slug"])
    if "names" in fields:
        cleaned["names"] = clean_names(
            fields["names"], field="names", max_length=COLLECTION_NAME_MAX_LENGTH, required=True
        )
    if "descriptions" in fields:
        cleaned["descriptions"] = clean_names(
            fields["descriptions"],
            field="descriptions",
            max_length=COLLECTION_DESCRIPTION_MAX_LENGTH,
            required=False,
        )
    if "position" in fields:
        cleaned["position"] = clean_position(fields["position"])
    return cleaned


def update_collection(collection: Collection, *, actor: Actor | None = None, **fields) -> Collection:
    """Change a collection's slug, names (per language), descriptions or position; a change that
    changes nothing writes nothing."""
    cleaned = clean_collection_fields(fields)
    before = field_values(collection, cleaned)
    changes = changed_fields(before, cleaned)
    if not changes:
        return collection
    try:
        with transaction.atomic():
            for name, value in cleaned.items():
                setattr(collection, name, value)
            collection.save(update_fields=list(cleaned))
            record_audit(
                collection.workspace,
                "collection.updated",
                actor=acting(None, actor),
                target=collection,
                changes=changes,
            )
    except IntegrityError as exc:
        for name, value in before.items():
            setattr(collection, name, value)
        raise Conflict(
            f"A collection with the slug '{cleaned['slug']}' already exists.", field="slug"
        ) from exc
    return collection


def delete_collection(collection: Collection, *, actor: Actor | None = None) -> None:
    """The collection is gone; its articles stay, in no collection."""
    with transaction.atomic():
        record_audit(
            collection.workspace,
            "collection.deleted",
            actor=acting(None, actor),
            target=collection,
            changes=changed_fields(field_values(collection, COLLECTION_FIELDS), {}),
        )
        collection.delete()


# --- articles and their translations ----------------------------------------------------------


def create_article(
    workspace: Workspace,
    *,
    slug: str,
    locale: str,
    title: str,
    body: str,
    summary: str = "",
    collection: Collection | None = None,
    visibility: str = "public",
    state: str = "draft",
    teammate: Teammate | None = None,
    at: datetime | None = None,
    note: str = "",
    actor: Actor | None = None,
) -> ArticleTranslation:
    """A new article with its first translation (its first revision's note: `note`, else "Created")."""
    slug = clean_slug(slug)
    visibility = clean_visibility(visibility)
    check_collection(workspace, collection)
    check_teammate(workspace, teammate)
    words = clean_words(locale=locale, title=title, body=body, summary=summary, state=state)
    note = clean_short_text(note, field="note", max_length=NOTE_MAX_LENGTH) or "Created"
    at = at or timezone.now()
    try:
        with transaction.atomic():
            article = Article.objects.create(
                workspace=workspace,
                slug=slug,
                collection=collection,
                visibility=visibility,
                position=0,
                created_at=at,
                created_by=teammate,
            )
            record_audit(
                workspace,
                "article.created",
                actor=acting(teammate, actor),
                target=article,
                changes=changed_fields({}, field_values(article, ARTICLE_FIELDS)),
                at=at,
            )
            return write_translation(article, None, words, teammate=teammate, at=at, note=note)
    except IntegrityError as exc:
        raise Conflict(
            f"An article with the slug '{slug}' already exists in this workspace.", field="slug"
        ) from exc


def clean_words(*, locale, title, body, summary, state) -> dict:
    return {
        "locale": clean_locale(locale),
        "title": clean_title(title),
        "summary": clean_summary(summary),
        "body": clean_body(body),
        "state": None if state is None else clean_state(state),
    }


def save_translation(
    article: Article,
    *,
    locale: str,
    title: str,
    body: str,
    summary: str = "",
    state: str | None = None,
    teammate: Teammate | None = None,
    at: datetime | None = None,
    note: str = "",
) -> ArticleTranslation:
    """Create or update the article in one language (state None keeps the translation's state, or
    makes a new one a draft). Writes a revision when anything changed, and (re)indexes or removes it."""
    check_teammate(article.workspace, teammate)
    words = clean_words(locale=locale, title=title, body=body, summary=summary, state=state)
    note = clean_short_text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        db.lock_rows(Article, [article.pk])  # two editors at once: revisions numbered one after the other
        current = ArticleTranslation.objects.filter(article=article, locale=words["locale"]).first()
        return write_translation(
            article, current, words, teammate=teammate, at=at or timezone.now(), note=note
        )


def words_unchanged(translation: ArticleTranslation, words: dict) -> bool:
    same_state = words["state"] is None or words["state"] == translation.state
    return same_state and all(
        getattr(translation, name) == words[name] for name in ("title", "summary", "body")
    )


def write_translation(
    article: Article,
    translation: ArticleTranslation | None,
    words: dict,
    *,
    teammate: Teammate | None,
    at: datetime,
    note: str,
) -> ArticleTranslation:
    """Inside the caller's transaction: the translation's new words and state, a revision, the index."""
    if translation is not None and words_unchanged(translation, words):
        return translation
    state = words["state"] or (translation.state if translation is not None else State.DRAFT)
    if translation is None:
        translation = ArticleTranslation(
            workspace_id=article.workspace_id, article=article, locale=words["locale"], created_at=at
        )
        note = note or "Created"
    elif not note:
        note = STATE_NOTES[state] if state != translation.state else "Edited"
    translation.title = words["title"]
    translation.summary = words["summary"]
    translation.body = words["body"]
    translation.body_html = render_article(words["body"])
    apply_state(translation, state, at)
    translation.updated_at = at
    translation.updated_by = teammate
    translation.save()
    add_revision(translation, teammate=teammate, at=at, note=note)
    indexing.sync_translations(article, [translation])
    return translation


def apply_state(translation: ArticleTranslation, state: str, at: datetime) -> None:
    translation.state = state
    if state == State.PUBLISHED and translation.published_at is None:
        translation.published_at = at


def add_revision(
    translation: ArticleTranslation, *, teammate: Teammate | None, at: datetime, note: str
) -> None:
    last = translation.revisions.aggregate(top=Max("number"))["top"] or 0
    ArticleRevision.objects.create(
        workspace_id=translation.workspace_id,
        translation=translation,
        number=last + 1,
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        state=translation.state,
        note=note[:NOTE_MAX_LENGTH],
        at=at,
        teammate=teammate,
    )


def set_translation_state(
    translation: ArticleTranslation,
    state: str,
    *,
    teammate: Teammate | None = None,
    at: datetime | None = None,
) -> ArticleTranslation:
    """Publish, unpublish (back to draft) or archive one language of an article."""
    state = clean_state(state)
    check_teammate(translation.article.workspace, teammate)
    if state == translation.state:
        return translation
    at = at or timezone.now()
    with transaction.atomic():
        db.lock_rows(Article, [translation.article_id])
        apply_state(translation, state, at)
        translation.updated_at = at
        translation.updated_by = teammate
        translation.save(update_fields=["state", "published_at", "updated_at", "updated_by"])
        add_revision(translation, teammate=teammate, at=at, note=STATE_NOTES[state])
        indexing.sync_translations(translation.article, [translation])
    return translation


def restore_revision(
    revision: ArticleRevision, *, teammate: Teammate | None = None, at: datetime | None = None
) -> ArticleTranslation:
    """The translation's words go back to what they were in this revision (its state stays: a live
    article restored stays live). The restore is itself a new revision."""
    translation = revision.translation
    return save_translation(
        translation.article,
        locale=translation.locale,
        title=revision.title,
        body=revision.body,
        summary=revision.summary,
        teammate=teammate,
        at=at,
        note=f"Restored revision {revision.number}",
    )


def clean_article_fields(workspace: Workspace, fields: dict) -> dict:
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise InvalidInput(f"An article has no field {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    cleaned = dict(fields)
    if "slug" in fields:
        cleaned["slug"] = clean_slug(fields["slug"])
    if "collection" in fields:
        check_collection(workspace, fields["collection"])
    if "visibility" in fields:
        cleaned["visibility"] = clean_visibility(fields["visibility"])
    if "position" in fields:
        cleaned["position"] = clean_position(fields["position"])
    return cleaned


def update_article(
    article: Article,
    *,
    teammate: Teammate | None = None,
    at: datetime | None = None,
    actor: Actor | None = None,
    **fields,
) -> Article:
    """Change the article's slug, collection, visibility or position (audited); a new visibility
    re-indexes its published translations for their new audience."""
    check_teammate(article.workspace, teammate)
    cleaned = clean_article_fields(article.workspace, fields)
    before = field_values(article, cleaned)
    changes = changed_fields(before, cleaned)
    if not changes:
        return article
    try:
        with transaction.atomic():
            for name, value in cleaned.items():
                setattr(article, name, value)
            article.save(update_fields=list(cleaned))
            record_audit(
                article.workspace,
                "article.updated",
                actor=acting(teammate, actor),
                target=article,
                changes=changes,
                at=at,
            )
            if "visibility" in changes:
                indexing.sync_translations(article, article.translations.all())
    except IntegrityError as exc:
        for name, value in before.items():
            setattr(article, name, value)
        raise Conflict(
            f"An article with the slug '{cleaned['slug']}' already exists in this workspace.", field="slug"
        ) from exc
    return article


def delete_article(article: Article, *, teammate: Teammate | None = None, actor: Actor | None = None) -> None:
    """The article, every translation and revision of it, and its place in the index, are gone."""
    check_teammate(article.workspace, teammate)
    with transaction.atomic():
        indexing.remove_translations(list(article.translations.values_list("pk", flat=True)))
        record_audit(
            article.workspace,
            "article.deleted",
            actor=acting(teammate, actor),
            target=article,
            changes=changed_fields(field_values(article, ARTICLE_FIELDS), {}),
        )
        article.delete()


# --- several changes at once (the API, the editor) --------------------------------------------


def check_one_per_locale(translations: list[dict]) -> None:
    seen = set()
    for words in translations:
        locale = clean_locale(words.get("locale"))
        if locale in seen:
            raise InvalidInput(
                f"Two translations for '{locale}': send one per language.", field="translations"
            )
        seen.add(locale)


def create_article_in_languages(
    workspace: Workspace,
    *,
    slug: str,
    translations: list[dict],
    collection: Collection | None = None,
    visibility: str = "public",
    position: int | None = None,
    teammate: Teammate | None = None,
    actor: Actor | None = None,
    at: datetime | None = None,
) -> Article:
    """A new article with one or more translations ({locale, title, body, summary, state, note}),
    all written or none."""
    if not translations:
        raise InvalidInput("An article needs at least one translation.", field="translations")
    check_one_per_locale(translations)
    first, *rest = translations
    with transaction.atomic():
        translation = create_article(
            workspace,
            slug=slug,
            collection=collection,
            visibility=visibility,
            teammate=teammate,
            actor=actor,
            at=at,
            **{"state": "draft", **{k: v for k, v in first.items() if v is not None}},
        )
        article = translation.article
        if position is not None:
            update_article(article, teammate=teammate, actor=actor, at=at, position=position)
        for words in rest:
            save_translation(article, teammate=teammate, at=at, **words)
    return article


def change_article(
    article: Article,
    *,
    translations: list[dict] = (),
    teammate: Teammate | None = None,
    actor: Actor | None = None,
    at: datetime | None = None,
    **fields,
) -> Article:
    """The article's own fields (update_article) and any of its translations (save_translation), all
    written or none."""
    check_one_per_locale(list(translations))
    with transaction.atomic():
        if fields:
            update_article(article, teammate=teammate, actor=actor, at=at, **fields)
        for words in translations:
            save_translation(article, teammate=teammate, at=at, **words)
    return article
