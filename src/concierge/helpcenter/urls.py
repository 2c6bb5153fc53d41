from django.urls import path

from concierge.helpcenter import figures_views

urlpatterns = [
    path("figures/", figures_views.article_figures_page, name="article_figures"),
]
