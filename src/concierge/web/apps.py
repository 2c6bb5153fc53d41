from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    name = "concierge.web"
    label = "web"
    default = True


class BackOfficeConfig(admin_apps.AdminConfig):
    """Django's admin with Concierge's site (web/admin.py): the superuser's back office, with the
    sign-in page's throttling; everyone else is sent to their workspace's own pages."""

    default = False
    default_site = "concierge.web.admin.BackOffice"
