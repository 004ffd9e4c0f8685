from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("summary/", views.summary, name="summary"),
    path("reports/", views.reports, name="reports"),
    path("reports/monthly.xlsx", views.monthly, name="monthly"),
    path("reports/half-year.xlsx", views.half_year, name="half_year"),
]
