from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("new/", views.project_create, name="create"),
    path("trash/", views.project_trash, name="trash"),
    path("reviews/", views.review_queue, name="reviews"),
    path("filings/", views.filing_list, name="filings"),
    path("supervisions/", views.supervision_list, name="supervisions"),
    path("supervisions/<int:pk>/", views.supervision_detail, name="supervision"),
    path("supervisions/<int:pk>/reply/", views.supervision_reply, name="supervision_reply"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/plan/", views.project_plan, name="plan"),
    path("<int:pk>/plan/milestones/add/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/plan/milestones/remove/", views.milestone_remove, name="milestone_remove"),
    path("<int:pk>/plan/budget/add/", views.budget_line_add, name="budget_add"),
    path("<int:pk>/plan/budget/remove/", views.budget_line_remove, name="budget_remove"),
    path("<int:pk>/meeting/", views.project_meeting, name="meeting"),
    path("<int:pk>/proposal/", views.project_proposal, name="proposal"),
    path("<int:pk>/partners/link/", views.project_partner_link, name="partner_link"),
    path("<int:pk>/partners/unlink/", views.project_partner_unlink, name="partner_unlink"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/approve/", views.project_approve, name="approve"),
    path("<int:pk>/return/", views.project_return, name="return"),
    path("<int:pk>/comment/", views.project_comment, name="comment"),
    path("<int:pk>/rounds/<int:number>/", views.review_round, name="round"),
    path("<int:pk>/grant/", views.project_grant, name="grant"),
    path(
        "<int:pk>/conditions/<int:condition_pk>/confirm/",
        views.condition_confirm,
        name="condition_confirm",
    ),
    path("<int:pk>/supervise/", views.project_supervise, name="supervise"),
    path("<int:pk>/announce/", views.project_announce, name="announce"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/retrospective/", views.project_retrospective, name="retrospective"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/restore/", views.project_restore, name="restore"),
]
