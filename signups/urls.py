from django.urls import path

from . import views

app_name = "signups"

urlpatterns = [
    # Residents, no account needed (linked from the project's public page).
    path("sessions/<int:pk>/join/", views.join, name="join"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    # Staff.
    path("", views.session_list, name="list"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/export/", views.session_export, name="export"),
    path("<int:pk>/attend/", views.attend, name="attend"),
    path("<int:pk>/phone/", views.phone_reveal, name="phone_reveal"),
]
