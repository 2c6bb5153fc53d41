"""The report pages (included under /w/<slug>/reports/ by concierge.web.urls)."""

from django.urls import path

from concierge.reports import views

urlpatterns = [
    path("support/", views.support_report_page, name="support-report"),
    path("support/sessions/", views.support_report_sessions, name="support-report-sessions"),
    path("support/conversations/", views.support_report_conversations, name="support-report-conversations"),
    path("support/sends/", views.support_report_sends, name="support-report-sends"),
    path("support/figures.csv", views.support_report_figures_csv, name="support-report-figures-csv"),
    path(
        "support/conversations.csv",
        views.support_report_conversations_csv,
        name="support-report-conversations-csv",
    ),
]
