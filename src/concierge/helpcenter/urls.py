"""The teammates' help center pages (included under /w/<slug>/articles/ by concierge.web.urls)."""

from django.urls import path

from concierge.helpcenter import figures_views, views

urlpatterns = [
    path("", views.article_list, name="articles"),
    path("new/", views.article_new, name="article-new"),
    path("preview/", views.article_preview, name="article-preview"),
    path("collections/", views.collection_list, name="article-collections"),
    path("collections/<int:collection_id>/", views.collection_update, name="article-collection-update"),
    path(
        "collections/<int:collection_id>/delete/", views.collection_delete, name="article-collection-delete"
    ),
    path("<int:article_id>/translate/", views.article_translate, name="article-translate"),
    path("<int:article_id>/delete/", views.article_delete, name="article-delete"),
    path("<int:article_id>/<str:locale>/", views.article_edit, name="article-edit"),
    path("<int:article_id>/<str:locale>/revisions/", views.article_revisions, name="article-revisions"),
    path(
        "<int:article_id>/<str:locale>/revisions/<int:number>/restore/",
        views.article_restore,
        name="article-restore",
    ),
    path("figures/", figures_views.article_figures_page, name="article_figures"),
]
