"""The saved replies' pages under /w/<slug>/replies/, and the composer's under the conversation
(web/urls.py includes both; names in the `web` namespace)."""

from django.urls import path

from concierge.replies.views import composer
from concierge.replies.views import saved_replies as views

saved_reply_pages = [
    path("", views.saved_replies_page, name="saved-replies"),
    path("new/", views.saved_reply_new, name="saved-reply-new"),
    path("preview/", views.saved_reply_preview, name="saved-reply-preview"),
    path("folders/", views.saved_reply_folder_create, name="saved-reply-folder-create"),
    path(
        "folders/<int:folder_id>/delete/", views.saved_reply_folder_delete, name="saved-reply-folder-delete"
    ),
    path("<int:reply_id>/", views.saved_reply_edit, name="saved-reply-edit"),
    path("<int:reply_id>/delete/", views.saved_reply_delete, name="saved-reply-delete"),
    path("<int:reply_id>/files/", views.saved_reply_attachment_add, name="saved-reply-file-add"),
    path(
        "<int:reply_id>/files/<int:file_id>/remove/",
        views.saved_reply_attachment_remove,
        name="saved-reply-file-remove",
    ),
]

composer_pages = [
    path("<int:conversation_id>/saved-replies/", composer.composer_menu, name="composer-saved-replies"),
    path(
        "<int:conversation_id>/saved-replies/<int:reply_id>/",
        composer.composer_insert,
        name="composer-saved-reply",
    ),
    path("<int:conversation_id>/suggestions/", composer.composer_suggestions, name="composer-suggestions"),
]
