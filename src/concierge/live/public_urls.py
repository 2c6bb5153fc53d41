"""The customer's live stream, outside the workspace's pages (included under /live/ by concierge.urls)."""

from django.urls import path

from concierge.live import views

app_name = "live"

urlpatterns = [
    path("messenger/stream", views.messenger_stream, name="messenger-stream"),
]
