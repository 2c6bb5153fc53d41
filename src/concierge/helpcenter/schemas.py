"""The API's shapes for the help center's articles, their translations and revisions, and collections."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from concierge.core.schemas import ObjectId, PageQuery, Text

State = Literal["draft", "published", "archived"]
Visibility = Literal["public", "internal"]
Locale = Text
SLUG_DESCRIPTION = "Lower-case letters, digits and single hyphens; unique in the workspace."


class TeammateSummary(Schema):
    id: int
    name: str


class TranslationOut(Schema):
    id: int
    locale: str
    title: str
    summary: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The body rendered and sanitised, as readers see it.")
    state: State
    published_at: datetime | None = Field(description="When it was first published.")
    created_at: datetime
    updated_at: datetime
    updated_by: TeammateSummary | None


class ArticleOut(Schema):
    id: int
    slug: str
    collection_id: int | None
    visibility: Visibility
    position: int
    created_at: datetime
    translations: list[TranslationOut]

    @staticmethod
    def resolve_translations(article):
        return list(article.translations.all())


class ArticlePage(Schema):
    items: list[ArticleOut]
    next_cursor: str | None


class ArticleQuery(PageQuery):
    state: State | None = Field(None, description="Articles with a translation in this state.")
    locale: Locale | None = Field(
        None, max_length=16, description="Articles with a translation in this language."
    )
    collection_id: ObjectId | None = None
    visibility: Visibility | None = None


class TranslationIn(Schema):
    locale: Locale = Field(max_length=16, description="A language tag: 'en', 'es', 'pt-BR'.")
    title: Text = Field(max_length=200)
    body: Text = Field("", max_length=100_000, description="Markdown.")
    summary: Text = Field("", max_length=300)
    state: State | None = Field(
        None, description="Publish, unpublish (draft) or archive; left out: unchanged (new: draft)."
    )
    note: Text = Field("", max_length=200, description="What changed, kept with the revision.")


class ArticleIn(Schema):
    slug: Text = Field(max_length=120, description=SLUG_DESCRIPTION)
    collection_id: ObjectId | None = None
    visibility: Visibility = "public"
    position: int | None = Field(None, ge=0, le=1_000_000)
    translations: list[TranslationIn] = Field(min_length=1, max_length=50)


class ArticlePatch(Schema):
    slug: Text | None = Field(None, max_length=120, description=SLUG_DESCRIPTION)
    collection_id: ObjectId | None = Field(None, description="null takes the article out of its collection.")
    visibility: Visibility | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)
    translations: list[TranslationIn] | None = Field(
        None, max_length=50, description="Each one creates or updates the article in its language."
    )


class RevisionOut(Schema):
    id: int
    number: int
    title: str
    summary: str
    body: str
    state: State
    note: str
    at: datetime
    teammate: TeammateSummary | None


class RevisionPage(Schema):
    items: list[RevisionOut]
    next_cursor: str | None


class CollectionOut(Schema):
    id: int
    slug: str
    names: dict[str, str] = Field(description='Per language: {"en": "Billing", "es": "Facturación"}.')
    descriptions: dict[str, str]
    position: int
    created_at: datetime


class CollectionPage(Schema):
    items: list[CollectionOut]
    next_cursor: str | None


class CollectionIn(Schema):
    slug: Text = Field(max_length=120, description=SLUG_DESCRIPTION)
    names: dict[Text, Text] = Field(description='Per language: {"en": "Billing"}; one at least.')
    descriptions: dict[Text, Text] = Field(default_factory=dict)
    position: int | None = Field(None, ge=0, le=1_000_000)


class CollectionPatch(Schema):
    slug: Text | None = Field(None, max_length=120, description=SLUG_DESCRIPTION)
    names: dict[Text, Text] | None = None
    descriptions: dict[Text, Text] | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)
