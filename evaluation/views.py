"""Staff pages of residents' grades: the evaluation home, a project's grades, the Excel export and
the 走访入户评 entry form. Residents' pages are in public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.http import form_page
from core.paging import paginate

from . import export, selectors, services
from .forms import VisitGradeForm
from .models import Channel
from .slip_forms import parse_id


@login_required
def index(request):
    """The evaluation home: the gradeable projects the user sees, each with its rates."""
    if not request.user.has_perm("evaluation.view_grades"):
        raise PermissionDenied
    page = paginate(request, selectors.overview(user=request.user), 25)
    results = selectors.grade_results(p.pk for p in page)
    rows = [(project, results[project.pk]) for project in page]
    return render(
        request,
        "evaluation/index.html",
        {
            "page": page,
            "rows": rows,
            "can_export": request.user.has_perm("evaluation.export_grades"),
        },
    )


@login_required
def project_grades(request, pk):
    """One project's result per channel and overall, its comments, the unverified apart."""
    project = selectors.project_for_grades(user=request.user, pk=pk)
    if not request.user.has_perm("evaluation.view_grades", project):
        raise PermissionDenied
    context = {
        "project": project,
        "result": selectors.grade_results([project.pk])[project.pk],
        "page": paginate(request, selectors.grade_comments(project), 20),
        "unverified_comments": selectors.unverified_comments(project),
        "can_visit": request.user.has_perm("evaluation.grade_visit", project),
        "can_export": request.user.has_perm("evaluation.export_grades", project),
        "closed": services.gradeable_reason(project),
    }
    return render(request, "evaluation/project_grades.html", context)


@login_required
def grades_export(request):
    """The grades of the projects the user sees (or of one, ?project=<id>: 404 out of scope)
    as an .xlsx file."""
    project_id = request.GET.get("project", "")
    project = None
    if project_id:
        if (pk := parse_id(project_id)) is None:
            raise Http404
        project = selectors.project_for_grades(user=request.user, pk=pk)
    if not request.user.has_perm("evaluation.export_grades", project):
        raise PermissionDenied
    return export.grade_workbook(user=request.user, project=project)


@login_required
def visit(request, pk):
    """走访入户评: search the household, tap the verdict, save and go on to the next door."""
    project = selectors.project_for_grades(user=request.user, pk=pk)

    def admit():
        if not request.user.has_perm("evaluation.grade_visit", project):
            raise PermissionDenied

    back = reverse("evaluation:visit", args=[project.pk])
    form = VisitGradeForm(
        request.POST if request.method == "POST" else None,
        initial={"household": request.GET.get("household")},
        user=request.user,
        project=project,
        back=back,
    )

    def perform(data):
        grade = services.grade_submit(
            project=project,
            verdict=data["verdict"],
            comment=data["comment"],
            channel=Channel.VISIT,
            household=data["household"],
            by=request.user,
        )
        messages.success(
            request,
            f"已保存 {grade.household} 的评价({grade.get_verdict_display()}),请录入下一户。",
        )
        return redirect(back)

    return form_page(
        request,
        form,
        template="evaluation/visit_form.html",
        perform=perform,
        context={
            "project": project,
            "closed": services.gradeable_reason(project),
            "result": selectors.grade_results([project.pk])[project.pk],
        },
        admit=admit,
        back=reverse("evaluation:project_grades", args=[project.pk]),
    )
