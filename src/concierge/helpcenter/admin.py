"""The help center in the Django admin: shown, searched and filtered, never changed here (articles
change through the editor, the API or an import, which write revisions and keep the index in step)."""

from django.contrib import admin

from concierge.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from concierge.helpcenter.models import Article, ArticleRevision, ArticleTranslation, Collection


class TranslationInline(ReadOnlyTabularInline):
    model = ArticleTranslation
    fields = ["locale", "title", "state", "published_at", "updated_at", "updated_by"]
    ordering = ["locale"]


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["slug", "workspace", "collection", "visibility", "created_at"]
    list_filter = ["visibility", "workspace"]
    search_fields = ["slug", "translations__title"]
    list_select_related = ["workspace", "collection"]
    inlines = [TranslationInline]


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ["slug", "workspace", "position", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["slug"]


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdmin):
    list_display = ["translation", "number", "state", "note", "teammate", "at"]
    list_filter = ["state"]
    search_fields = ["title", "note"]
    list_select_related = ["translation__article", "teammate"]
    ordering = ["-at", "-id"]
