from django.contrib import admin
from django.urls import include, path

from concierge.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("book/", include("concierge.meetings.public_urls")),
    path("", include("concierge.web.urls")),
]

handler500 = "concierge.core.database_busy.server_error"
