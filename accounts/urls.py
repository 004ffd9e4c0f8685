from django.urls import path

from . import household_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/release/", views.lockout_release, name="lockout_release"),
    path("people/", views.people_list, name="people"),
    path("people/<int:pk>/phone/", views.phone_reveal, name="phone_reveal"),
    path("changes/", views.change_list, name="changes"),
    path("changes/new/", views.change_create, name="change_create"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("changes/<int:pk>/reject/", views.change_reject, name="change_reject"),
    path("totp/", views.totp_verify, name="totp_verify"),
    path("totp/enrol/", views.totp_enrol, name="totp_enrol"),
    path("totp/devices/", views.totp_devices, name="totp_devices"),
    path("totp/devices/<int:pk>/reset/", views.totp_reset, name="totp_reset"),
    path("preferences/", views.preferences, name="preferences"),
    # The household picker (accounts/households.py): a page, and its htmx fragments.
    path("households/", household_views.household_picker, name="household_picker"),
    path("leading-group/", views.leading_group_list, name="leading_group"),
    path("leading-group/<int:pk>/", views.leading_group_street, name="leading_group_street"),
    path(
        "leading-group/<int:pk>/groups/new/",
        views.working_group_create,
        name="working_group_create",
    ),
    path("leading-group/groups/<int:pk>/", views.working_group_edit, name="working_group_edit"),
    path(
        "leading-group/groups/<int:pk>/delete/",
        views.working_group_delete,
        name="working_group_delete",
    ),
    path(
        "leading-group/<int:pk>/delegations/new/",
        views.delegation_create,
        name="delegation_create",
    ),
    path(
        "leading-group/delegations/<int:pk>/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
]
