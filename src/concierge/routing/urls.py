"""Routing's pages (included under /w/<slug>/routing/ by concierge.web.urls)."""

from django.urls import path

from concierge.routing import views_hours

urlpatterns = [
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
