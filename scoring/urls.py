from django.urls import path

from . import public_views, views

app_name = "scoring"

# Mounted at the site's root: staff pages under evaluation/rounds/ (the intranet), the published
# competitions under p/ (the residents' side).
urlpatterns = [
    # Rubrics (评分细则): the district's.
    path("evaluation/rounds/rubrics/", views.rubric_list, name="rubric_list"),
    path("evaluation/rounds/rubrics/new/", views.rubric_create, name="rubric_create"),
    path("evaluation/rounds/rubrics/<int:pk>/", views.rubric_detail, name="rubric"),
    path("evaluation/rounds/rubrics/<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    path("evaluation/rounds/rubrics/<int:pk>/copy/", views.rubric_copy, name="rubric_copy"),
    # Rounds and competitions.
    path("evaluation/rounds/", views.round_list, name="round_list"),
    path("evaluation/rounds/new/", views.round_create, name="round_create"),
    path("evaluation/rounds/<int:pk>/", views.round_detail, name="round"),
    path("evaluation/rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("evaluation/rounds/<int:pk>/projects/", views.round_projects, name="round_projects"),
    path("evaluation/rounds/<int:pk>/projects/remove/", views.entry_remove, name="entry_remove"),
    path("evaluation/rounds/<int:pk>/entrants/", views.entrants, name="entrants"),
    path("evaluation/rounds/<int:pk>/judges/", views.judge_assign, name="judge_assign"),
    path("evaluation/rounds/<int:pk>/judges/search/", views.judge_search, name="judge_search"),
    path("evaluation/rounds/<int:pk>/judges/remove/", views.judge_remove, name="judge_remove"),
    path("evaluation/rounds/<int:pk>/open/", views.round_open, name="round_open"),
    path("evaluation/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("evaluation/rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("evaluation/rounds/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("evaluation/rounds/<int:pk>/sheets/", views.round_sheets, name="round_sheets"),
    path("evaluation/rounds/<int:pk>/ranking.xlsx", views.export_ranking, name="export_ranking"),
    path("evaluation/rounds/<int:pk>/sheets.xlsx", views.export_sheets, name="export_sheets"),
    # A judge's sheet for one project of a round; a sheet as the district reads it.
    path("evaluation/rounds/entries/<int:pk>/sheet/", views.sheet, name="sheet"),
    path(
        "evaluation/rounds/entries/<int:pk>/sheet/submit/", views.sheet_submit, name="sheet_submit"
    ),
    path("evaluation/rounds/sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("evaluation/rounds/sheets/<int:pk>/reopen/", views.sheet_reopen, name="sheet_reopen"),
    # Residents: the published competitions (擂台比武) and their results.
    path("p/competitions/", public_views.competition_list, name="public_competitions"),
    path("p/competitions/<int:pk>/", public_views.competition_detail, name="public_competition"),
]
