from django.urls import path

from . import mentor_views, views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.quarterly_create, name="quarterly_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/materials/", views.session_material, name="session_material"),
    path("sessions/<int:pk>/confirm/", views.session_confirm, name="session_confirm"),
    path("sessions/<int:pk>/leave/", views.session_leave, name="session_leave"),
    path("sessions/<int:pk>/rate/", views.session_rate, name="session_rate"),
    path("attendances/<int:pk>/move/", views.attendee_move, name="attendee_move"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/setup/", views.cohort_setup, name="cohort_setup"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/plan/", views.cohort_plan, name="cohort_plan"),
    path("trainees/<int:pk>/move/", views.trainee_move, name="trainee_move"),
    path("attendance/", views.attendance_report, name="report"),
    path("mentors/", mentor_views.mentor_list, name="mentor_list"),
    path("mentors/new/", mentor_views.mentor_create, name="mentor_create"),
    path("mentors/<int:pk>/", mentor_views.mentor_detail, name="mentor"),
    path("mentors/<int:pk>/edit/", mentor_views.mentor_edit, name="mentor_edit"),
    path("mentors/<int:pk>/pair/", mentor_views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/end/", mentor_views.pairing_end, name="pairing_end"),
    path("consultations/", mentor_views.consultation_list, name="consultation_list"),
    path("consultations/new/", mentor_views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", mentor_views.consultation_detail, name="consultation"),
    path(
        "consultations/<int:pk>/reply/", mentor_views.consultation_reply, name="consultation_reply"
    ),
    path(
        "consultations/<int:pk>/close/", mentor_views.consultation_close, name="consultation_close"
    ),
    path("coaching/", mentor_views.coaching_list, name="coaching_list"),
    path("coaching/new/", mentor_views.coaching_create, name="coaching_create"),
    path("coaching/<int:pk>/", mentor_views.coaching_detail, name="coaching"),
    path("coaching/<int:pk>/note/", mentor_views.coaching_note, name="coaching_note"),
    path("coaching/<int:pk>/plan/", mentor_views.coaching_plan, name="coaching_plan"),
    path("coaching/<int:pk>/close/", mentor_views.coaching_close, name="coaching_close"),
]
