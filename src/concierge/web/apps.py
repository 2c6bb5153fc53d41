from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "concierge.web"
    label = "web"

    def ready(self):
        from django.contrib import admin

        from concierge.web.sign_in import AdminSignInForm

        # The admin's sign-in is throttled like the sign-in page.
        admin.site.login_form = AdminSignInForm
