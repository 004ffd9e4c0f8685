"""Residents' pages (namespace `publications_public`), under /p/publications/ because only /p/
faces the internet (docs/deployment.md): the archive of published previews and summaries, each
one's page and PDF, and SMS subscriptions.

/publications/ and /publications/<id>/ — the addresses DESIGN.md promises — send a visitor on to
the same pages under /p/ (the staff pages live under /publications/manage/)."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import public_views, subscribe_views

app_name = "publications_public"

urlpatterns = [
    path("p/publications/", include([*public_views.urls, *subscribe_views.urls])),
    path(
        "publications/",
        RedirectView.as_view(pattern_name="publications_public:archive", query_string=True),
        name="entry",
    ),
    path(
        "publications/<int:pk>/",
        RedirectView.as_view(pattern_name="publications_public:detail"),
        name="entry_detail",
    ),
]
