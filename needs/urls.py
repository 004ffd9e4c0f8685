from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="list"),
    path("new/", views.need_create_view, name="create"),
    path("<int:pk>/", views.need_detail, name="detail"),
]
