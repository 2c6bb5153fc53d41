"""What the editor's forms post, read into the shapes the writing services take. Validation is the
services'; a refusal comes back to the same form, with the field it names marked."""

from dataclasses import dataclass, field

from concierge.helpcenter.models import ArticleTranslation

ACTIONS = {
    "save": None,  # keep the translation's state (a new one is a draft)
    "publish": ArticleTranslation.State.PUBLISHED,
    "unpublish": ArticleTranslation.State.DRAFT,
    "archive": ArticleTranslation.State.ARCHIVED,
}


@dataclass
class ArticleEdit:
    """The editor's form: the article's fields and one translation's words, as typed."""

    slug: str = ""
    collection_id: str = ""
    visibility: str = "public"
    locale: str = ""
    title: str = ""
    summary: str = ""
    body: str = ""
    note: str = ""
    action: str = "save"
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_post(cls, post) -> "ArticleEdit":
        action = post.get("action", "save")
        return cls(
            slug=post.get("slug", "").strip(),
            collection_id=post.get("collection", ""),
            visibility=post.get("visibility", "public"),
            locale=post.get("locale", "").strip(),
            title=post.get("title", ""),
            summary=post.get("summary", ""),
            body=post.get("body", ""),
            note=post.get("note", ""),
            action=action if action in ACTIONS else "save",
        )

    @classmethod
    def from_translation(cls, translation: ArticleTranslation) -> "ArticleEdit":
        article = translation.article
        return cls(
            slug=article.slug,
            collection_id=str(article.collection_id or ""),
            visibility=article.visibility,
            locale=translation.locale,
            title=translation.title,
            summary=translation.summary,
            body=translation.body,
        )

    @property
    def state(self) -> str | None:
        return ACTIONS[self.action]

    def words(self) -> dict:
        return {
            "locale": self.locale,
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "state": self.state,
            "note": self.note,
        }


def collection_id_from(value: str) -> int | None:
    """The collection picked, or None for none; anything else is no id (the view answers 404)."""
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else -1


def names_from_post(post, prefix: str) -> dict[str, str]:
    """`name-en`, `name-es`, … as {"en": …, "es": …}, the blank ones left out."""
    return {
        key[len(prefix) :]: value
        for key, value in post.items()
        if key.startswith(prefix) and len(key) > len(prefix) and value.strip()
    }
