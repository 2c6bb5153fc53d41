"""The help center: collections of articles, each article written once per language (a
translation), with its revisions, and what readers do with it (reactions, searches that found
nothing).

An article is the thing a team links to and reports on; its translations hold the words. A
translation is drafted, published or archived on its own, so the Spanish version can wait for review
while the English one is live. Only a published translation of a public article is shown to
customers and indexed for them (core.search); internal articles serve teammates only.
"""

from django.db import models
from django.db.models.functions import Lower

from concierge.contacts.models import Contact
from concierge.workspaces.models import Teammate, Workspace


class Collection(models.Model):
    """A shelf of articles ("Billing & plans"), named per language."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="help_collections")
    slug = models.SlugField(max_length=120)
    names = models.JSONField(default=dict)  # {"en": "Billing & plans", "es": "Facturación y planes"}
    descriptions = models.JSONField(default=dict, blank=True)  # {"en": "…"}
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="helpcenter_collection_slug_unique")
        ]

    def __str__(self) -> str:
        return self.slug


class Article(models.Model):
    """One article, whatever languages it is written in. Its slug names it in URLs and imports."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "internal", "Internal (teammates only)"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="articles")
    slug = models.SlugField(max_length=120)
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="helpcenter_article_slug_unique")
        ]

    def __str__(self) -> str:
        return self.slug


class ArticleTranslation(models.Model):
    """An article in one language: its words and its own state."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    locale = models.CharField(max_length=16)  # a language tag as core.zones knows them: "en", "pt-BR"
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, default="")
    body = models.TextField(blank=True, default="")  # Markdown, as written
    body_html = models.TextField(blank=True, default="")  # rendered and sanitised when written
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["article_id", "locale"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "locale"], name="helpcenter_one_translation_per_locale"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "locale", "state"], name="helpcenter_tr_ws_locale_state")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} ({self.locale})"


class ArticleRevision(models.Model):
    """What a translation said after each change, and who changed it: any revision can be restored
    (which writes a new revision saying so)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, default="")
    body = models.TextField(blank=True, default="")
    state = models.CharField(max_length=10, choices=ArticleTranslation.State.choices)
    note = models.CharField(max_length=200, blank=True, default="")  # "Imported", "Restored revision 3"
    at = models.DateTimeField()
    teammate = models.ForeignKey(Teammate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["translation_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "number"], name="helpcenter_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"


class ArticleReaction(models.Model):
    """How a reader felt about a translation: one reaction per reader, the latest counts."""

    class Reaction(models.TextChoices):
        DISAPPOINTED = "disappointed", "😞"
        NEUTRAL = "neutral", "😐"
        HAPPY = "happy", "😃"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="reactions")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="article_reactions")
    reaction = models.CharField(max_length=12, choices=Reaction.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "contact"], name="helpcenter_one_reaction_per_reader"
            )
        ]

    def __str__(self) -> str:
        return self.reaction


class ArticleDailyViews(models.Model):
    """Views of a translation per UTC day: what "popular" and the teammates' figures read, without
    counting the log's rows on every page."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["translation", "day"], name="helpcenter_daily_views_unique")
        ]
        indexes = [models.Index(fields=["workspace", "day"], name="helpcenter_views_ws_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.views}"


class UnansweredSearch(models.Model):
    """A search that found nothing, folded to its lower-case form and counted: the content gaps a
    team reads to know which article to write next."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=16)
    query = models.CharField(max_length=200)
    searches = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace", "locale", Lower("query"), name="helpcenter_unanswered_search_unique"
            )
        ]
        indexes = [models.Index(fields=["workspace", "-last_at"], name="helpcenter_unanswered_recent")]

    def __str__(self) -> str:
        return self.query
