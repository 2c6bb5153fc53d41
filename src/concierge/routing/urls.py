"""Routing's pages (included under /w/<slug>/routing/ by concierge.web.urls)."""

from django.urls import path

from concierge.routing import views, views_hours

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
    path("hours/", views_hours.office_hours_page, name="routing-hours"),
    path("hours/closed-days/", views_hours.add_closed_day_view, name="routing-closed-day"),
    path(
        "hours/closed-days/<int:closed_day_id>/remove/",
        views_hours.remove_closed_day_view,
        name="routing-closed-day-remove",
    ),
    path("service-levels/", views_hours.service_levels_page, name="routing-service-levels"),
    path("service-levels/breached/", views_hours.breached_page, name="routing-breached"),
    path("rotation/", views_hours.rotation_page, name="routing-rotation"),
    path("rotation/feed/", views_hours.my_feed, name="routing-feed-link"),
    path("rotation/feed/<str:token>.ics", views_hours.roster_feed, name="routing-feed"),
]
