"""The residents' 幸福账单 under /p/bills/ (namespace `figures_public`)."""

from django.urls import path

from . import public_views

app_name = "figures_public"

urlpatterns = [
    path("bills/", public_views.index, name="index"),
    path("bills/<int:pk>/<int:year>/", public_views.bill, name="bill"),
    path("bills/<int:pk>/<int:year>/pdf/", public_views.bill_pdf, name="bill_pdf"),
]
