"""The live endpoints of a workspace's pages (included under /w/<slug>/live/ by concierge.web.urls)."""

from django.urls import path

from concierge.live import views

urlpatterns = [
    path("stream", views.team_stream, name="live-stream"),
    path("typing", views.typing, name="live-typing"),
    path("viewing", views.viewing, name="live-viewing"),
    path("notifications/<int:notification_id>/seen", views.notification_seen, name="live-notification-seen"),
]
