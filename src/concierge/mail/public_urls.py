"""The conversation's page from an email of unseen messenger replies, mounted at /messenger/."""

from django.urls import path

from concierge.mail import public_views

urlpatterns = [
    path(
        "<slug:workspace_slug>/c/<str:conversation_token>/",
        public_views.offline_conversation,
        name="offline_conversation",
    ),
]
