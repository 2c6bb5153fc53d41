"""Routing's pages (included under /w/<slug>/routing/ by concierge.web.urls)."""

from django.urls import path

from concierge.routing import views

urlpatterns = [
    path("", views.rules_page, name="routing_rules"),
    path("rules/new/", views.rule_editor, name="routing_rule_new"),
    path("rules/<int:rule_id>/", views.rule_editor, name="routing_rule"),
    path("rules/<int:rule_id>/move/", views.move_rule_view, name="routing_rule_move"),
    path("rules/<int:rule_id>/enabled/", views.toggle_rule, name="routing_rule_toggle"),
    path("rules/<int:rule_id>/delete/", views.delete_rule_view, name="routing_rule_delete"),
    path("rules/rows/<str:kind>/", views.blank_row, name="routing_rule_row"),
    path("teams/<int:team_id>/", views.team_assignment, name="routing_team"),
    path("away/", views.away_switch, name="routing_away"),
]
