from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement"),
]
