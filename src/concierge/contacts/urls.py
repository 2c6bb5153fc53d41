"""The contacts pages (included under /w/<slug>/contacts/ by concierge.web.urls)."""

from django.urls import path

from concierge.contacts import views

urlpatterns = [
    path("", views.contact_list, name="contacts"),
    path("<int:contact_id>/", views.contact_page, name="contact"),
    path("<int:contact_id>/edit/", views.contact_edit, name="contact-edit"),
]
