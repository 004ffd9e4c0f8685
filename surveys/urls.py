"""Staff pages under needs/ (step 1), residents' pages under p/."""

from django.urls import path  # noqa: F401

app_name = "surveys"

urlpatterns: list = []
