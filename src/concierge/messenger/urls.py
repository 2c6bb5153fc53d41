from django.urls import path

from concierge.messenger import views

app_name = "messenger"

urlpatterns = [
    path("messenger.js", views.loader, name="loader"),
    path("messenger/<slug:workspace_slug>/frame/", views.frame, name="frame"),
]
