from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/release/", views.lockout_release, name="lockout_release"),
    path("people/", views.people_list, name="people"),
    path("people/<int:pk>/phone/", views.phone_reveal, name="phone_reveal"),
]
