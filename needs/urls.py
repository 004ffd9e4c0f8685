from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="list"),
    path("charts/", views.need_charts, name="charts"),
    path("breakdown/", views.need_breakdown, name="breakdown"),
    path("export.xlsx", views.need_export, name="export"),
    path("new/", views.need_create_view, name="create"),
    path("categories/", views.category_list, name="categories"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/edit/", views.need_edit, name="edit"),
    path("<int:pk>/delete/", views.need_delete, name="delete"),
    path("<int:pk>/status/", views.need_status, name="status"),
    path("<int:pk>/mentions/", views.need_mention_add, name="mention"),
    path("<int:pk>/merge/", views.need_merge, name="merge"),
]
