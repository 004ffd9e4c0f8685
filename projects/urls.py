from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("trash/", views.project_trash, name="trash"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/plan/", views.project_plan, name="plan"),
    path("<int:pk>/proposal/", views.project_proposal, name="proposal"),
    path("<int:pk>/partners/link/", views.project_partner_link, name="partner_link"),
    path("<int:pk>/partners/unlink/", views.project_partner_unlink, name="partner_unlink"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/approve/", views.project_approve, name="approve"),
    path("<int:pk>/return/", views.project_return, name="return"),
    path("<int:pk>/comment/", views.project_comment, name="comment"),
    path("<int:pk>/announce/", views.project_announce, name="announce"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/retrospective/", views.project_retrospective, name="retrospective"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/restore/", views.project_restore, name="restore"),
]
