"""Customer-facing pages (no sign-in): the booking page of a trigger's link, the page a
confirmation email's signed link opens to reschedule or cancel, and the one its other signed link
opens to confirm the email address."""

from django.urls import path

from concierge.meetings import public_views

app_name = "meetings_public"

urlpatterns = [
    path("session/<str:signed>/", public_views.manage_booking, name="manage"),
    path("session/<str:signed>/reschedule/", public_views.reschedule_booking_page, name="reschedule"),
    path("session/<str:signed>/cancel/", public_views.cancel_booking_page, name="cancel"),
    path("confirm-email/<str:signed>/", public_views.confirm_email_page, name="confirm_email"),
    path("<str:token>/", public_views.booking_page, name="book"),
    path("<str:token>/eligibility/", public_views.eligibility_fragment, name="eligibility"),
]
