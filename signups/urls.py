from django.urls import path

from . import views

app_name = "signups"

# Mounted at the site's root: residents' pages live under p/, the part of the portal that faces
# the internet (docs/deployment.md); staff pages under signups/, on the intranet.
urlpatterns = [
    # Residents, no account needed (linked from the project's public page).
    path("p/sessions/<int:pk>/join/", views.join, name="join"),
    path("p/sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    # Staff.
    path("signups/", views.session_list, name="list"),
    path("signups/sessions/<int:pk>/", views.session_detail, name="session"),
    path("signups/sessions/<int:pk>/export/", views.session_export, name="export"),
    path("signups/<int:pk>/attend/", views.attend, name="attend"),
    path("signups/<int:pk>/phone/", views.phone_reveal, name="phone_reveal"),
]
