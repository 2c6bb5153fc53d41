"""The workspace's settings pages (included under /w/<slug>/settings/ by concierge.web.urls)."""

from django.urls import path

from concierge.workspaces import views

urlpatterns = [
    path("audit/", views.audit_trail_page, name="audit_trail"),
]
