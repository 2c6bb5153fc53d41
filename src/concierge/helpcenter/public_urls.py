"""The public help center, mounted at /help/: each language has its own addresses."""

from django.urls import path, re_path

from concierge.helpcenter import public_views

app_name = "helpcenter_public"

# A language tag as articles are written in: "en", "es", "pt-BR", "sr-Latn".
LOCALE = r"(?P<locale>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)"
WORKSPACE = r"(?P<workspace_slug>[-a-zA-Z0-9_]+)"
ARTICLE = r"(?P<article_slug>[-a-zA-Z0-9_]+)"

urlpatterns = [
    path("<slug:workspace_slug>/", public_views.help_center_root, name="root"),
    path("<slug:workspace_slug>/sitemap.xml", public_views.sitemap, name="sitemap"),
    re_path(rf"^{WORKSPACE}/{LOCALE}/$", public_views.help_center_home, name="home"),
    re_path(rf"^{WORKSPACE}/{LOCALE}/search/$", public_views.search_page, name="search"),
    re_path(
        rf"^{WORKSPACE}/{LOCALE}/search/suggestions/$", public_views.suggestions_fragment, name="suggestions"
    ),
    re_path(
        rf"^{WORKSPACE}/{LOCALE}/collections/(?P<collection_slug>[-a-zA-Z0-9_]+)/$",
        public_views.collection_page,
        name="collection",
    ),
    re_path(rf"^{WORKSPACE}/{LOCALE}/articles/{ARTICLE}/$", public_views.article_page, name="article"),
    re_path(rf"^{WORKSPACE}/{LOCALE}/articles/{ARTICLE}/reaction/$", public_views.react_page, name="react"),
    re_path(rf"^{WORKSPACE}/{LOCALE}/articles/{ARTICLE}/talk/$", public_views.talk_to_us_page, name="talk"),
]
