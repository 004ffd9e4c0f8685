"""Residents' pages of the needs list, under p/ (the part facing the internet)."""

from django.urls import path

from . import public_views

app_name = "needs_public"

urlpatterns = [
    path("receipts/", public_views.receipt_lookup, name="receipt"),
]
