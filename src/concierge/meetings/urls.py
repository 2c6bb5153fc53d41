"""Teammates' 1:1 session pages under /w/<slug>/sessions/ (names in the `web` namespace)."""

from django.urls import path

from concierge.meetings import views

urlpatterns = [
    path("", views.session_list, name="meetings_list"),
    path("<int:booking_id>/", views.session_page, name="meetings_session"),
    path("<int:booking_id>/<str:action>/", views.session_action, name="meetings_session_action"),
    path("types/", views.session_types_page, name="meetings_types"),
    path("types/<int:type_id>/", views.session_type_page, name="meetings_type"),
    path("availability/", views.availability_page, name="meetings_availability"),
    path("insights/", views.insights_page, name="meetings_insights"),
    path("reports/", views.reports_page, name="meetings_reports"),
]
