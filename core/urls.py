from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/read-all/", views.notification_read_all, name="notification_read_all"),
    path("inbox/preferences/", views.notification_preferences, name="notification_preferences"),
    path("audit/", views.audit_log, name="audit_log"),
    path("files/<uuid:uuid>/", views.file_download, name="file"),
]
