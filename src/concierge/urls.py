from functools import partial

from django.contrib import admin
from django.urls import include, path
from ninja.openapi.views import openapi_json

from concierge.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # The schema also answers from the API's own prefix, the address people try first.
    path("api/v1/openapi.json", partial(openapi_json, api=api), name="api-v1-openapi"),
    path("api/", api.urls),
    path("book/", include("concierge.meetings.public_urls")),
    path("help/", include("concierge.helpcenter.public_urls")),
    path("messenger/", include("concierge.mail.public_urls")),
    path("o/", include("concierge.outbound.public_urls")),
    path("", include("concierge.messenger.urls")),
    path("live/", include("concierge.live.public_urls")),
    path("", include("concierge.web.urls")),
]

handler500 = "concierge.core.database_busy.server_error"
