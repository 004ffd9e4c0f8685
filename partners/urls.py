from django.urls import path

from . import recruit_views, resource_views, staff_views, task_views, unit_views, views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create_view, name="create"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    *staff_views.staff_urls,
    *recruit_views.staff_urls,
    *unit_views.staff_urls,
    *task_views.staff_urls,
    *resource_views.staff_urls,
]
