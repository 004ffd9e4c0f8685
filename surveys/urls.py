"""Staff pages under needs/surveys/ (step 1), residents' pages under p/ (the short link
p/q/<code>/ printed under the poster's QR code)."""

from django.urls import path

from . import entry_views, public_views, views

app_name = "surveys"

urlpatterns = [
    # --- residents ---
    path("p/q/<str:short_code>/", public_views.answer, name="answer"),
    path("p/q/<str:short_code>/thanks/", public_views.thanks, name="thanks"),
    # --- staff ---
    path("needs/surveys/", views.survey_list, name="list"),
    path("needs/surveys/new/", views.survey_create, name="create"),
    path("needs/surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("needs/surveys/<int:pk>/edit/", views.survey_edit, name="edit"),
    path("needs/surveys/<int:pk>/adjust/", views.survey_adjust, name="adjust"),
    path("needs/surveys/<int:pk>/publish/", views.survey_publish, name="publish"),
    path("needs/surveys/<int:pk>/close/", views.survey_close, name="close"),
    path("needs/surveys/<int:pk>/delete/", views.survey_delete, name="delete"),
    path("needs/surveys/<int:pk>/questions/", views.question_add, name="question_add"),
    path(
        "needs/surveys/<int:pk>/questions/<int:question_pk>/edit/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "needs/surveys/<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path(
        "needs/surveys/<int:pk>/questions/<int:question_pk>/move/",
        views.question_move,
        name="question_move",
    ),
    path(
        "needs/surveys/<int:pk>/questions/<int:question_pk>/texts/",
        views.text_answers,
        name="texts",
    ),
    path("needs/surveys/<int:pk>/distributions/", views.distribution_add, name="distribute"),
    path("needs/surveys/<int:pk>/entry/", entry_views.survey_entry, name="entry"),
    path(
        "needs/surveys/<int:pk>/entry/<int:response_pk>/",
        entry_views.survey_entry_correct,
        name="entry_correct",
    ),
    path("needs/surveys/<int:pk>/results/", views.survey_results, name="results"),
    path("needs/surveys/<int:pk>/options/need/", views.option_need, name="option_need"),
    path("needs/surveys/<int:pk>/export.xlsx", views.survey_export, name="export"),
    path("needs/surveys/<int:pk>/poster.png", views.poster_png, name="poster_png"),
    path("needs/surveys/<int:pk>/poster.pdf", views.poster_pdf, name="poster_pdf"),
    path("needs/surveys/comments/<int:pk>/file/", views.comment_file, name="comment_file"),
    path("needs/surveys/comments/<int:pk>/need/", views.comment_need, name="comment_need"),
    path("needs/surveys/comments/<int:pk>/decline/", views.comment_decline, name="comment_decline"),
]
