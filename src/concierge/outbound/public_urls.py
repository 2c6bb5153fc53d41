"""What a proactive email links to, outside the workspace's pages, mounted at /o/: its open pixel,
its tracked links and its unsubscribe page (outbound.tracking signs them)."""

from django.urls import path

from concierge.outbound import public_views

urlpatterns = [
    path("<slug:workspace_slug>/open/<str:token>.gif", public_views.open_pixel, name="outbound_open"),
    path("<slug:workspace_slug>/click/<str:token>/", public_views.follow_link, name="outbound_click"),
    path(
        "<slug:workspace_slug>/unsubscribe/<str:token>/",
        public_views.unsubscribe_page,
        name="outbound_unsubscribe",
    ),
]
