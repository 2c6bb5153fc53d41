"""The inbox pages (included under /w/<slug>/inbox/ by concierge.web.urls)."""

from django.urls import path

from concierge.conversations import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.bulk, name="inbox-bulk"),
    path("views/", views.save_view, name="inbox-view-save"),
    path("views/<int:view_id>/", views.open_view, name="inbox-view"),
    path("views/<int:view_id>/rename/", views.rename_view, name="inbox-view-rename"),
    path("views/<int:view_id>/delete/", views.delete_view, name="inbox-view-delete"),
    path("<int:conversation_id>/", views.conversation_page, name="conversation"),
    path("<int:conversation_id>/reply/", views.reply, name="conversation-reply"),
    path("<int:conversation_id>/note/", views.note, name="conversation-note"),
    path("<int:conversation_id>/assign/", views.assign, name="conversation-assign"),
    path("<int:conversation_id>/priority/", views.set_priority, name="conversation-priority"),
    path("<int:conversation_id>/tags/add/", views.add_tag, name="conversation-tag"),
    path("<int:conversation_id>/tags/remove/", views.remove_tag, name="conversation-untag"),
    path("<int:conversation_id>/close/", views.close, name="conversation-close"),
    path("<int:conversation_id>/reopen/", views.reopen, name="conversation-reopen"),
    path("<int:conversation_id>/snooze/", views.snooze, name="conversation-snooze"),
]
