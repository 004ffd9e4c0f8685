"""半年述职 and 年度考核 pages: parse, check the rule, call a selector or a service. Refusals
become pages in core/http.py; downloads are audited exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from accounts.models import Street
from accounts.roles import STREET_RECOMMENDERS
from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404

from . import documents, selectors, services
from .figures import compute, figure_groups
from .forms import (
    AcceptForm,
    AssessmentCreateForm,
    AssessmentForm,
    PeriodFilterForm,
    ReportForm,
    ReportStartForm,
    ReturnForm,
    YearFilterForm,
)
from .models import FIRST_YEAR, Period
from .workflow import ASSESSMENT_WORKFLOW, REPORT_WORKFLOW


def _posted(request):
    return request.POST if request.method == "POST" else None


def _drafting_streets(user):
    return Street.objects.filter(pk__in=user.scope.street_ids(STREET_RECOMMENDERS))


# --- 半年述职 -----------------------------------------------------------------------------------
@login_required
@permission_required("reports.view_report", raise_exception=True)
def report_list(request):
    form = PeriodFilterForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else None
    page = paginate(request, selectors.report_list(user=request.user, period=period))
    current = Period.current()
    context = {
        "page": page,
        "period": period,
        "periods": current.recent(4),
        "current": current,
        "starts": selectors.report_starts(user=request.user, periods=[current, current.previous()]),
        "can_compare": request.user.has_perm("reports.compare_reports"),
    }
    return render(request, "reports/report_list.html", context)


@require_POST
@login_required
@permission_required("reports.draft_report", raise_exception=True)
def report_start(request):
    wanted = request.POST.get("street", "")
    if wanted.isascii() and wanted.isdigit():
        # Another street's report: 404 (audited), like any record out of scope.
        street = get_visible_or_404(Street, request.user, pk=int(wanted))
        if not request.user.has_perm("reports.draft_report", street):
            raise PermissionDenied
    form = ReportStartForm(request.POST, streets=_drafting_streets(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reports:report_list")
    report, created = services.report_start(
        street=form.cleaned_data["street"], period=form.cleaned_data["period"], by=request.user
    )
    if created:
        messages.success(request, "已根据本街道的数据起草述职报告,请补充文字部分后提交。")
    return redirect(report)


def _report_page(request, report, status=200, **extra):
    available = REPORT_WORKFLOW.available(request.user, report)
    context = {
        "report": report,
        "groups": figure_groups(report.figures),
        "sections": report.sections(),
        "events": selectors.report_events(report),
        "can": available,
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "accept_form": AcceptForm(),
        **extra,
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
def report_detail(request, pk):
    return _report_page(request, selectors.report_get(user=request.user, pk=pk))


@login_required
def report_edit(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    form = ReportForm(_posted(request), instance=report)

    def perform(data):
        services.report_edit(report=report, by=request.user, data=data)
        messages.success(request, "述职报告已保存。")
        return redirect(report)

    return form_page(
        request,
        form,
        template="reports/report_form.html",
        context={"report": report, "groups": figure_groups(report.figures)},
        perform=perform,
        admit=lambda: REPORT_WORKFLOW.admit(request.user, report, "edit"),
        back=report,
    )


def _report_button(request, pk, action: str, call, done: str, form=None):
    report = selectors.report_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: call(report, data),
        admit=lambda: REPORT_WORKFLOW.admit(request.user, report, action),
        form=form,
        page=lambda status: _report_page(
            request, report, status, **({"return_form": form} if action == "return" else {})
        ),
        done=done,
        to=report,
    )


@require_POST
@login_required
def report_refresh(request, pk):
    return _report_button(
        request,
        pk,
        "refresh",
        lambda report, data: services.report_refresh(report=report, by=request.user),
        "数据已按最新情况刷新。",
    )


@require_POST
@login_required
def report_submit(request, pk):
    return _report_button(
        request,
        pk,
        "submit",
        lambda report, data: services.report_submit(report=report, by=request.user),
        "述职报告已提交区级。",
    )


@require_POST
@login_required
def report_return(request, pk):
    return _report_button(
        request,
        pk,
        "return",
        lambda report, data: services.report_return(
            report=report, by=request.user, comment=data["comment"]
        ),
        "已退回街道修改。",
        form=ReturnForm(request.POST),
    )


@require_POST
@login_required
def report_accept(request, pk):
    return _report_button(
        request,
        pk,
        "accept",
        lambda report, data: services.report_accept(
            report=report, by=request.user, comment=data["comment"]
        ),
        "述职报告已通过。",
        form=AcceptForm(request.POST),
    )


def _download(request, pk, kind: str):
    report = selectors.report_get(user=request.user, pk=pk)
    response = documents.report_docx(report) if kind == "docx" else documents.report_pdf(report)
    services.report_export_audit(report=report, by=request.user, kind=kind)
    return response


@require_GET
@login_required
def report_docx(request, pk):
    return _download(request, pk, "docx")


@require_GET
@login_required
def report_pdf(request, pk):
    return _download(request, pk, "pdf")


@login_required
@permission_required("reports.compare_reports", raise_exception=True)
def report_compare(request):
    form = PeriodFilterForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else None
    period = period or selectors.latest_period(user=request.user) or Period.current()
    context = {
        "period": period,
        "periods": Period.current().recent(6),
        **selectors.report_compare(user=request.user, period=period),
    }
    return render(request, "reports/report_compare.html", context)


# --- 年度考核 -----------------------------------------------------------------------------------
def _year(request) -> int:
    form = YearFilterForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    today = timezone.localdate()
    if year:
        return min(year, today.year)
    # The assessment is made at the year's end: in December the year itself, before it the last.
    return today.year if today.month == 12 else today.year - 1


@login_required
@permission_required("reports.view_assessment", raise_exception=True)
def assessment_list(request):
    year = _year(request)
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "years": list(range(this_year, max(FIRST_YEAR, this_year - 5) - 1, -1)),
        "rows": selectors.assessment_overview(user=request.user, year=year),
        "can_assess": request.user.has_perm("reports.assess_street"),
    }
    return render(request, "reports/assessment_list.html", context)


@login_required
@permission_required("reports.assess_street", raise_exception=True)
def assessment_create(request):
    street_id, year = request.GET.get("street", ""), _year(request)
    if not (street_id.isascii() and street_id.isdigit()):
        raise Http404
    street = get_visible_or_404(Street, request.user, pk=int(street_id))
    if not request.user.has_perm("reports.assess_street", street):
        raise PermissionDenied
    existing = street.yearly_assessments.filter(year=year).first()
    if existing is not None:
        messages.info(request, "这一年度的考核已经记录过了,可以在这里修改。")
        return redirect(existing)
    form = AssessmentCreateForm(_posted(request))

    def perform(data):
        made = services.assessment_create(street=street, year=year, by=request.user, data=data)
        messages.success(request, "年度考核已记录,定稿后街道可以查看。")
        return redirect(made)

    return form_page(
        request,
        form,
        template="reports/assessment_form.html",
        context={
            "street": street,
            "year": year,
            "heading": f"记录{street.name}{year}年度考核",
            "groups": figure_groups(compute(street, Period(year, 1).start, Period(year, 2).end)),
        },
        perform=perform,
    )


def _assessment_page(request, assessment, status=200):
    context = {
        "assessment": assessment,
        "groups": figure_groups(assessment.figures),
        "can": ASSESSMENT_WORKFLOW.available(request.user, assessment),
    }
    return render(request, "reports/assessment_detail.html", context, status=status)


@login_required
def assessment_detail(request, pk):
    return _assessment_page(request, selectors.assessment_get(user=request.user, pk=pk))


@login_required
def assessment_edit(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    form = AssessmentForm(_posted(request), instance=assessment)

    def perform(data):
        services.assessment_edit(assessment=assessment, by=request.user, data=data)
        messages.success(request, "年度考核已保存,年度数据已按最新情况更新。")
        return redirect(assessment)

    return form_page(
        request,
        form,
        template="reports/assessment_form.html",
        context={
            "assessment": assessment,
            "street": assessment.street,
            "year": assessment.year,
            "heading": f"修改{assessment.street.name}{assessment.year}年度考核",
            "groups": figure_groups(assessment.figures),
        },
        perform=perform,
        admit=lambda: ASSESSMENT_WORKFLOW.admit(request.user, assessment, "edit"),
        back=assessment,
    )


@require_POST
@login_required
def assessment_finalise(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return perform_or_refuse(
        request,
        lambda data: services.assessment_finalise(assessment=assessment, by=request.user),
        admit=lambda: ASSESSMENT_WORKFLOW.admit(request.user, assessment, "finalise"),
        page=lambda status: _assessment_page(request, assessment, status),
        done="年度考核已定稿,街道可以查看。",
        to=assessment,
    )
