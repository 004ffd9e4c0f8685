from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # 半年述职: the street drafts, edits and submits; the district compares, returns, accepts.
    path("evaluation/reports/", views.report_list, name="report_list"),
    path("evaluation/reports/start/", views.report_start, name="report_start"),
    path("evaluation/reports/compare/", views.report_compare, name="report_compare"),
    path("evaluation/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("evaluation/reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("evaluation/reports/<int:pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("evaluation/reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("evaluation/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("evaluation/reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("evaluation/reports/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("evaluation/reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    # 年度考核: recorded by district staff, read by the street once finalised.
    path("evaluation/assessments/", views.assessment_list, name="assessment_list"),
    path("evaluation/assessments/new/", views.assessment_create, name="assessment_create"),
    path("evaluation/assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("evaluation/assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path(
        "evaluation/assessments/<int:pk>/finalise/",
        views.assessment_finalise,
        name="assessment_finalise",
    ),
]
