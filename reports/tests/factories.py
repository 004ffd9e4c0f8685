"""Factories of half-year reports and yearly assessments, and the URL matrix's objects."""

import datetime

import factory
from django.utils import timezone

from reports.models import (
    AssessmentGrade,
    AssessmentStatus,
    HalfYearReport,
    Period,
    ReportStatus,
    YearlyAssessment,
)
from reports.workflow import assessment_figures, report_figures
from tests import factories as f

SECTIONS = {
    "practices": "以“七步工作法”推进社区领办项目,街道领导小组每月调度一次。",
    "achievements": "新增领办项目多个,居民满意率稳步提高。",
    "problems": "部分社区合伙人资源链接不足。",
    "next_steps": "下半年重点推进老旧小区微更新。",
}


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HalfYearReport

    street = factory.SubFactory(f.StreetFactory)
    year = 2026
    half = 1
    created_by = factory.SubFactory(f.UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        report = model_class(*args, **kwargs)
        if not report.figures:
            report.figures = report_figures(report)
        report.save()
        return report


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyAssessment

    street = factory.SubFactory(f.StreetFactory)
    year = 2025
    grade = AssessmentGrade.GOOD
    comment = "项目覆盖面广,居民参与度高。"
    recorded_by = factory.SubFactory(f.UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        assessment = model_class(*args, **kwargs)
        if not assessment.figures:
            assessment.figures = assessment_figures(assessment)
        assessment.save()
        return assessment


def submitted(report: HalfYearReport, by) -> HalfYearReport:
    """Written straight to the row: the report as the 组长 submitted it."""
    for name, text in SECTIONS.items():
        setattr(report, name, text)
    report.status, report.submitted_by, report.submitted_at = (
        ReportStatus.SUBMITTED,
        by,
        timezone.now(),
    )
    report.save()
    return report


def matrix_objects(org, people) -> dict:
    """The URL matrix's objects (tests/url_matrix.py), all of street A: its report of 2026 上半年
    being written (the sections filled, so the 组长 can submit it), its submitted report of 2025
    下半年, its assessment of 2025 being drafted by the district and its finalised one of 2024."""
    draft = ReportFactory(street=org.street_a, created_by=people.street, **SECTIONS)
    sent = submitted(
        ReportFactory(street=org.street_a, year=2025, half=2, created_by=people.street),
        people.street,
    )
    final = AssessmentFactory(
        street=org.street_a,
        year=2024,
        recorded_by=people.district,
        status=AssessmentStatus.FINAL,
        finalised_by=people.district,
        finalised_at=timezone.now(),
    )
    return {
        "half_year_report": draft,
        "half_year_report_submitted": sent,
        "yearly_assessment": AssessmentFactory(street=org.street_a, recorded_by=people.district),
        "yearly_assessment_final": final,
    }


def period(year: int, half: int) -> Period:
    return Period(year, half)


def day(year: int, month: int, dd: int) -> datetime.datetime:
    """An aware datetime at noon of that local day."""
    return timezone.make_aware(datetime.datetime(year, month, dd, 12, 0))
