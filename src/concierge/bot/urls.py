from django.urls import path

from concierge.bot import views

urlpatterns = [
    path("", views.bot_page, name="bot"),
    path("settings/", views.save_settings, name="bot-settings"),
]
