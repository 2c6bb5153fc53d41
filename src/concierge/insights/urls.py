"""The insights pages (included under /w/<slug>/insights/ by concierge.web.urls)."""

from django.urls import path

from concierge.insights import views

urlpatterns = [
    path("", views.standup_page, name="insights"),
    path("conversations/", views.drill_down_page, name="insights-conversations"),
    path("conversations/link/", views.link_selected, name="insights-link-selected"),
    path("product-feedback.csv", views.standup_csv, name="insights-csv"),
    path("tags/", views.feedback_tags_setting, name="insights-tags"),
    path("issues/", views.issues_page, name="insights-issues"),
    path("issues/<int:issue_id>/", views.issue_page, name="insights-issue"),
    path("issues/<int:issue_id>/edit/", views.issue_edit, name="insights-issue-edit"),
    path("issues/<int:issue_id>/link/", views.issue_link, name="insights-issue-link"),
    path("issues/<int:issue_id>/unlink/", views.issue_unlink, name="insights-issue-unlink"),
    path("issues/<int:issue_id>/ship/", views.issue_ship, name="insights-issue-ship"),
    path("issues/<int:issue_id>/reopen/", views.issue_reopen, name="insights-issue-reopen"),
    path(
        "conversation/<int:conversation_id>/issues/",
        views.conversation_issues,
        name="insights-conversation-issues",
    ),
    path("digest/", views.digest_setting, name="insights-digest"),
]
