"""Residents' pages of the round table under /p/roundtable/ (namespace `roundtable_public`): the
SMS sign-in and registration, one's own page, the meetings, topics and their threads."""

from django.urls import include, path

from . import account_views, public_views

app_name = "roundtable_public"

urlpatterns = [
    path("p/roundtable/", include([*public_views.urls, *account_views.urls])),
]
