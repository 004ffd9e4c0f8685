"""The lifecycles of a half-year report and of a yearly assessment, as tables performed by
core.workflow's engine.

    report:     draft ──submit (组长)──▶ submitted ──accept (district)──▶ accepted
                  ▲                        │
                  └── returned ◀──return (district, with a comment)
                edit, refresh: in place while draft or returned (the 组长 and members)

    assessment: draft ──finalise──▶ final;  edit: in place while draft (district staff)
"""

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.roles import DISTRICT_BUSINESS, STREET_RECOMMENDERS
from accounts.selectors import people_holding
from core.notifications import notify
from core.workflow import Action, Step, Workflow

from . import figures
from .models import (
    REQUIRED_SECTIONS,
    SECTION_MAX,
    SECTIONS,
    AssessmentStatus,
    HalfYearReport,
    ReportEvent,
    ReportStatus,
    YearlyAssessment,
)

DRAFT, SUBMITTED, RETURNED, ACCEPTED = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.ACCEPTED,
)
WRITABLE = frozenset({DRAFT, RETURNED})
SECTION_FIELDS = tuple(name for name, _heading in SECTIONS)


def district_staff(street) -> list[User]:
    """Active district staff of the street's district: they hear of submissions."""
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=User.objects.filter(
                role_assignments__role__in=DISTRICT_BUSINESS.values,
                role_assignments__district_id=street.district_id,
            ).values("pk"),
        ).order_by("pk")
    )


def report_figures(report: HalfYearReport) -> dict:
    period = report.period
    return figures.compute(report.street, period.start, period.end)


# --- the report -------------------------------------------------------------------------------
def _refresh(step: Step) -> None:
    step.set(figures=report_figures(step.obj), figures_at=timezone.now())


def _edit_check(step: Step):
    # A TextField's max_length binds only forms: the service says it too.
    for name, heading in SECTIONS:
        if len(getattr(step.obj, name) or "") > SECTION_MAX:
            yield f"“{heading}”最多 {SECTION_MAX} 字。"


def _edit(step: Step) -> None:
    step.detail["fields"] = [name for name in SECTION_FIELDS if name in step.data]


def _submit_check(step: Step):
    report = step.obj
    for name, heading in SECTIONS:
        if name in REQUIRED_SECTIONS and not getattr(report, name).strip():
            yield f"请先填写“{heading}”再提交。"
    if not report.figures:
        yield "请先刷新数据再提交。"


def _submit(step: Step) -> None:
    step.set(submitted_at=timezone.now(), submitted_by=step.by)


def _return_check(step: Step):
    if not str(step.data.get("note") or "").strip():
        yield "请写明退回意见,街道据此修改。"


def _review(step: Step) -> None:
    step.set(
        review_comment=str(step.data.get("note") or "").strip()[:2000],
        reviewed_at=timezone.now(),
        reviewed_by=step.by,
    )


def _notify_district(step: Step) -> None:
    report = step.obj
    for person in district_staff(report.street):
        notify(
            person,
            "report.submitted",
            report,
            title=f"{report.street.name}提交了{report.period.label}述职",
        )


def _notify_street(verb: str):
    def notify_street(step: Step) -> None:
        report = step.obj
        body = report.review_comment if verb == "退回" else ""
        for person in people_holding(STREET_RECOMMENDERS, street=report.street):
            notify(
                person,
                f"report.{step.action.name}ed",
                report,
                title=f"区级{verb}了{report.period.label}述职",
                body=body,
            )

    return notify_street


def timeline(step: Step) -> None:
    ReportEvent.objects.create(
        report=step.obj, kind=step.action.event, actor=step.by, note=step.note[:2000]
    )


REPORT_WORKFLOW = Workflow(
    HalfYearReport,
    [
        Action(
            "edit",
            "修改",
            "reports.draft_report",
            WRITABLE,
            event=ReportEvent.Kind.EDITED,
            fields=SECTION_FIELDS,
            check=_edit_check,
            apply=_edit,
        ),
        Action(
            "refresh",
            "刷新数据",
            "reports.draft_report",
            WRITABLE,
            event=ReportEvent.Kind.REFRESHED,
            apply=_refresh,
        ),
        Action(
            "submit",
            "提交",
            "reports.submit_report",
            WRITABLE,
            SUBMITTED,
            event=ReportEvent.Kind.SUBMITTED,
            check=_submit_check,
            apply=_submit,
            notify=_notify_district,
        ),
        Action(
            "return",
            "退回",
            "reports.review_report",
            frozenset({SUBMITTED}),
            RETURNED,
            event=ReportEvent.Kind.RETURNED,
            check=_return_check,
            apply=_review,
            notify=_notify_street("退回"),
        ),
        Action(
            "accept",
            "通过",
            "reports.review_report",
            frozenset({SUBMITTED}),
            ACCEPTED,
            event=ReportEvent.Kind.ACCEPTED,
            apply=_review,
            notify=_notify_street("通过"),
        ),
    ],
    initial=DRAFT,
    timeline=timeline,
    noun="述职报告",
)


# --- the yearly assessment ----------------------------------------------------------------------
ASSESSMENT_FIELDS = ("grade", "score", "comment")
COMMENT_MAX = 2000


def assessment_figures(assessment: YearlyAssessment) -> dict:
    year = assessment.year
    return figures.compute(
        assessment.street, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )


def _assessment_edit_check(step: Step):
    comment = str(step.obj.comment or "")
    if not comment.strip():
        yield "请填写考核意见。"
    elif len(comment) > COMMENT_MAX:
        yield f"考核意见最多 {COMMENT_MAX} 字。"


def _assessment_edit(step: Step) -> None:
    step.set(figures=assessment_figures(step.obj), figures_at=timezone.now())
    step.detail["fields"] = [name for name in ASSESSMENT_FIELDS if name in step.data]


def _finalise(step: Step) -> None:
    step.set(
        figures=assessment_figures(step.obj),
        figures_at=timezone.now(),
        finalised_at=timezone.now(),
        finalised_by=step.by,
    )


def _notify_street_of_assessment(step: Step) -> None:
    assessment = step.obj
    for person in people_holding(STREET_RECOMMENDERS, street=assessment.street):
        notify(
            person,
            "assessment.finalised",
            assessment,
            title=f"区级已完成{assessment.year}年度考核",
        )


ASSESSMENT_WORKFLOW = Workflow(
    YearlyAssessment,
    [
        Action(
            "edit",
            "修改",
            "reports.assess_street",
            frozenset({AssessmentStatus.DRAFT}),
            fields=ASSESSMENT_FIELDS,
            check=_assessment_edit_check,
            apply=_assessment_edit,
        ),
        Action(
            "finalise",
            "定稿",
            "reports.assess_street",
            frozenset({AssessmentStatus.DRAFT}),
            AssessmentStatus.FINAL,
            check=_assessment_edit_check,
            apply=_finalise,
            notify=_notify_street_of_assessment,
        ),
    ],
    initial=AssessmentStatus.DRAFT,
    noun="年度考核",
)
