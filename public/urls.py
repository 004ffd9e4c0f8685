from django.urls import path

from . import notice_views, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("place/", views.place, name="place"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement"),
    path("announcements/<int:pk>/poster/", views.poster, name="poster"),
    path("calendar/", views.calendar, name="calendar"),
    path("photos/<uuid:uuid>/", views.photo, name="photo"),
    path(
        "announcements/<int:pk>/objection/",
        notice_views.objection_create,
        name="objection_create",
    ),
]
