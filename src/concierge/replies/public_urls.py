"""A saved reply's file sent to a customer, mounted at /files/."""

from django.urls import path

from concierge.replies import public_views

urlpatterns = [
    path("saved-replies/<str:token>/", public_views.saved_reply_file, name="saved-reply-file"),
]
