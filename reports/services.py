"""Every change to half-year reports and yearly assessments. Creating one checks the rule on the
street, takes the street's row lock (so two people starting the same report at once make one) and
writes an audit row; every later change goes through the workflow tables (reports/workflow.py),
which lock the row, check rule and status, and audit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Street, User
from core.audit import audit
from core.workflow import Conflict

from .models import FIRST_YEAR, HalfYearReport, Period, ReportEvent, YearlyAssessment
from .workflow import (
    ASSESSMENT_FIELDS,
    ASSESSMENT_WORKFLOW,
    COMMENT_MAX,
    REPORT_WORKFLOW,
    SECTION_FIELDS,
    assessment_figures,
    report_figures,
)


def _locked_street(street: Street) -> Street:
    return Street.objects.select_for_update().get(pk=street.pk)


def _only(data: dict, allowed) -> dict:
    if not set(data) <= set(allowed):
        raise ValueError(f"fields not writable: {sorted(set(data) - set(allowed))}")
    return dict(data)


# --- 半年述职 -----------------------------------------------------------------------------------
@transaction.atomic
def report_start(*, street: Street, period: Period, by: User) -> tuple[HalfYearReport, bool]:
    """Open the street's report for the period: the existing one, or a new draft with the
    figures drafted from the street's data. (report, created)."""
    if not by.has_perm("reports.draft_report", street):
        raise PermissionDenied
    if period.start > timezone.localdate() or period.year < FIRST_YEAR:
        raise ValidationError("这个半年还没有开始,不能起草述职。")
    street = _locked_street(street)
    existing = HalfYearReport.objects.filter(
        street=street, year=period.year, half=period.half
    ).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    report = HalfYearReport(
        street=street,
        year=period.year,
        half=period.half,
        created_by=by,
        created_at=now,
        status_changed_at=now,
        figures_at=now,
    )
    report.figures = report_figures(report)
    report.save()
    REPORT_WORKFLOW.created(
        report,
        by=by,
        event=ReportEvent.Kind.CREATED,
        detail={"street": street.pk, "period": period.key},
    )
    return report, True


def report_edit(*, report: HalfYearReport, by: User, data: dict) -> HalfYearReport:
    """The street's leading group writes the text sections."""
    data = _only(data, SECTION_FIELDS)
    return REPORT_WORKFLOW.perform(report, "edit", by=by, data=data).obj


def report_refresh(*, report: HalfYearReport, by: User) -> HalfYearReport:
    """Take the figures again from the street's data (while the report is being written)."""
    return REPORT_WORKFLOW.perform(report, "refresh", by=by).obj


def report_submit(*, report: HalfYearReport, by: User) -> HalfYearReport:
    """The 组长 sends the report up; district staff are notified."""
    return REPORT_WORKFLOW.perform(report, "submit", by=by).obj


def report_return(*, report: HalfYearReport, by: User, comment: str) -> HalfYearReport:
    """District staff send the report back with a comment; the street is notified with it."""
    return REPORT_WORKFLOW.perform(report, "return", by=by, data={"note": comment}).obj


def report_accept(*, report: HalfYearReport, by: User, comment: str = "") -> HalfYearReport:
    """District staff accept the report, optionally with a note."""
    return REPORT_WORKFLOW.perform(report, "accept", by=by, data={"note": comment}).obj


def report_export_audit(*, report: HalfYearReport, by: User, kind: str) -> None:
    """A download of a report (Word or PDF) is an export: audited."""
    audit(actor=by, action="report.export", obj=report, detail={"format": kind})


# --- 年度考核 -----------------------------------------------------------------------------------
@transaction.atomic
def assessment_create(*, street: Street, year: int, by: User, data: dict) -> YearlyAssessment:
    """District staff record their assessment of a street's programme for a year, the year's
    figures beside it. One per street and year."""
    if not by.has_perm("reports.assess_street", street):
        raise PermissionDenied
    data = _only(data, ASSESSMENT_FIELDS)
    if not (FIRST_YEAR <= int(year) <= timezone.localdate().year):
        raise ValidationError("只能考核已经开始的年度。")
    comment = str(data.get("comment") or "")
    if not comment.strip() or len(comment) > COMMENT_MAX:
        raise ValidationError(f"请填写考核意见(最多 {COMMENT_MAX} 字)。")
    street = _locked_street(street)
    if YearlyAssessment.objects.filter(street=street, year=year).exists():
        raise Conflict(f"{street.name}{year}年度考核已经记录过了,请打开它修改。")
    now = timezone.now()
    assessment = YearlyAssessment(
        street=street, year=year, recorded_by=by, created_at=now, status_changed_at=now, **data
    )
    assessment.figures, assessment.figures_at = assessment_figures(assessment), now
    try:
        assessment.full_clean(exclude=["recorded_by", "street"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise Conflict(f"{street.name}{year}年度考核已经记录过了,请打开它修改。") from None
    ASSESSMENT_WORKFLOW.created(
        assessment,
        by=by,
        event=None,
        detail={"street": street.pk, "year": year, "grade": assessment.grade},
    )
    return assessment


def assessment_edit(*, assessment: YearlyAssessment, by: User, data: dict) -> YearlyAssessment:
    """Correct the grade, score or comment (the year's figures are taken again)."""
    data = _only(data, ASSESSMENT_FIELDS)
    return ASSESSMENT_WORKFLOW.perform(assessment, "edit", by=by, data=data).obj


def assessment_finalise(*, assessment: YearlyAssessment, by: User) -> YearlyAssessment:
    """Finalise the assessment: it is fixed, and the street reads it."""
    return ASSESSMENT_WORKFLOW.perform(assessment, "finalise", by=by).obj
