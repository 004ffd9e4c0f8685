"""Staff pages under needs/ (step 1), residents' pages under p/."""

from django.urls import path

from . import public_views, views

app_name = "outreach"

urlpatterns = [
    # 入户走访
    path("needs/visits/", views.visit_list, name="visit_list"),
    path("needs/visits/new/", views.visit_create, name="visit_create"),
    path("needs/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("needs/visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("needs/visits/<int:pk>/delete/", views.visit_delete, name="visit_delete"),
    path("needs/visits/compounds/<int:pk>/", views.visit_compound, name="visit_compound"),
    # 居民会议
    path("needs/meetings/", views.meeting_list, name="meeting_list"),
    path("needs/meetings/new/", views.meeting_create, name="meeting_create"),
    path("needs/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("needs/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("needs/meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    # 楼道意见箱
    path("needs/boxes/", views.box_list, name="box_list"),
    path("needs/boxes/new/", views.box_create, name="box_create"),
    path("needs/boxes/labels.pdf", views.box_labels, name="box_labels"),
    path("needs/boxes/<int:pk>/", views.box_detail, name="box"),
    path("needs/boxes/<int:pk>/edit/", views.box_edit, name="box_edit"),
    path("needs/boxes/<int:pk>/deactivate/", views.box_deactivate, name="box_deactivate"),
    path("needs/boxes/<int:pk>/label.png", views.box_label, name="box_label"),
    path("needs/boxes/<int:pk>/slips/", views.box_slips, name="box_slips"),
    # 意见建议
    path("needs/suggestions/", views.suggestion_list, name="suggestion_list"),
    path("needs/suggestions/export.xlsx", views.suggestion_export, name="suggestion_export"),
    path("needs/suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("needs/suggestions/<int:pk>/file/", views.suggestion_file, name="suggestion_file"),
    path(
        "needs/suggestions/<int:pk>/file-new/",
        views.suggestion_file_new,
        name="suggestion_file_new",
    ),
    path("needs/suggestions/<int:pk>/close/", views.suggestion_close, name="suggestion_close"),
    path("needs/suggestions/<int:pk>/phone/", views.suggestion_phone, name="suggestion_phone"),
    # Residents (no account)
    path("p/boxes/<str:code>/", public_views.box_form, name="public_box"),
    path("p/suggest/", public_views.suggest, name="public_suggest"),
]
