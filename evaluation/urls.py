from django.urls import path

from . import public_views, slip_views, views

app_name = "evaluation"

# Mounted at the site's root: residents' pages under p/ (the code slips point at p/grade/, the
# session posters at p/grade/sessions/<id>/), staff pages under evaluation/.
urlpatterns = [
    # --- residents' grades (grades helper) ---
    path("p/grade/", public_views.online, name="online"),
    path("p/grade/projects/<int:pk>/", public_views.online_grade, name="online_grade"),
    path("p/grade/leave/", public_views.online_leave, name="online_leave"),
    path("p/grade/sessions/<int:pk>/", public_views.onsite, name="onsite"),
    path("evaluation/", views.index, name="index"),
    path("evaluation/projects/<int:pk>/grades/", views.project_grades, name="project_grades"),
    path("evaluation/projects/<int:pk>/visit/", views.visit, name="visit"),
    path("evaluation/grades/export.xlsx", views.grades_export, name="export"),
    # --- end of residents' grades ---
    # --- household code slips and session posters (slips helper) ---
    path("evaluation/slips/", slip_views.slip_list, name="slips"),
    path("evaluation/slips/new/", slip_views.slip_create, name="slip_create"),
    path("evaluation/slips/<int:pk>/row/", slip_views.slip_row, name="slip_row"),
    path("evaluation/slips/<int:pk>/download/", slip_views.slip_download, name="slip_download"),
    path("evaluation/slips/<int:pk>/void/", slip_views.slip_void, name="slip_void"),
    path("evaluation/slips/<int:pk>/retry/", slip_views.slip_retry, name="slip_retry"),
    path("evaluation/sessions/<int:pk>/poster/", slip_views.session_poster, name="session_poster"),
    path(
        "evaluation/sessions/<int:pk>/poster.png",
        slip_views.session_poster_png,
        name="session_poster_png",
    ),
    # --- end of slips and posters ---
]
