"""The report's and the assessment's lifecycles through their services: rule, status, readiness,
audit rows and who hears of it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from projects.models import Status
from reports import services
from reports.models import (
    AssessmentStatus,
    HalfYearReport,
    Period,
    ReportEvent,
    ReportStatus,
    YearlyAssessment,
)
from tests import factories as f

from .factories import SECTIONS, AssessmentFactory, ReportFactory, submitted

pytestmark = pytest.mark.django_db
H1 = Period(2026, 1)
# Records made now fall in the current half year (and its year).
NOW = Period.current()


def _written(org, people, **kwargs):
    period = {"year": NOW.year, "half": NOW.half}
    return ReportFactory(
        street=org.street_a, created_by=people.street, **period, **SECTIONS, **kwargs
    )


def test_the_leader_starts_a_draft_with_figures_once(org, people):
    f.ProjectFactory(community=org.guoao, created_by=people.secretary, status=Status.DRAFT)

    report, created = services.report_start(street=org.street_a, period=NOW, by=people.street)
    again, created_again = services.report_start(street=org.street_a, period=NOW, by=people.member)

    assert created and not created_again and again.pk == report.pk
    assert report.status == ReportStatus.DRAFT
    assert report.figures["projects"]["total"] == 1
    assert report.figures["start"] == NOW.start.isoformat()
    assert report.figures["end"] == NOW.end.isoformat()
    assert list(report.events.values_list("kind", flat=True)) == [ReportEvent.Kind.CREATED]
    assert AuditEvent.objects.filter(action="halfyearreport.create", actor=people.street).exists()


@pytest.mark.parametrize("who", ["expert", "street_b", "district", "secretary"])
def test_only_the_streets_leader_and_members_start_its_report(org, people, who):
    with pytest.raises(PermissionDenied):
        services.report_start(street=org.street_a, period=H1, by=getattr(people, who))
    assert not HalfYearReport.objects.exists()


def test_a_half_year_not_begun_cannot_be_reported(org, people):
    future = Period(2099, 1)
    with pytest.raises(ValidationError):
        services.report_start(street=org.street_a, period=future, by=people.street)


def test_one_report_per_street_and_period_in_the_database(org, people):
    ReportFactory(street=org.street_a, created_by=people.street)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(street=org.street_a, created_by=people.street)


def test_members_write_but_only_the_leader_submits(org, people):
    report = ReportFactory(street=org.street_a, created_by=people.street)
    services.report_edit(report=report, by=people.member, data=SECTIONS)
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, by=people.member)
    with pytest.raises(PermissionDenied):
        services.report_edit(report=report, by=people.expert, data={"problems": "x"})

    services.report_submit(report=report, by=people.street)

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == people.street
    assert report.achievements == SECTIONS["achievements"]
    note = Notification.objects.get(recipient=people.district, event="report.submitted")
    assert "长江路街道" in note.title and "2026年上半年" in note.title
    assert not Notification.objects.filter(event="report.submitted").exclude(
        recipient=people.district
    )
    assert AuditEvent.objects.filter(action="halfyearreport.submit").exists()


def test_a_report_goes_up_only_with_its_sections_written(org, people):
    report = ReportFactory(street=org.street_a, created_by=people.street, achievements="有成效")

    with pytest.raises(ValidationError) as refused:
        services.report_submit(report=report, by=people.street)

    assert refused.value.messages == ["请先填写“存在问题”再提交。", "请先填写“下步打算”再提交。"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_district_returns_with_a_comment_and_the_street_resubmits(org, people):
    report = submitted(ReportFactory(street=org.street_a, created_by=people.street), people.street)
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=people.district, comment="  ")
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, by=people.street, comment="自己退回")

    services.report_return(report=report, by=people.district, comment="请补充居民评价情况。")

    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "请补充居民评价情况。"
    heard = Notification.objects.filter(event="report.returned")
    assert {n.recipient for n in heard} == {people.street, people.member}
    assert heard.first().body == "请补充居民评价情况。"
    event = report.events.get(kind=ReportEvent.Kind.RETURNED)
    assert event.note == "请补充居民评价情况。" and event.actor == people.district

    services.report_edit(report=report, by=people.street, data={"problems": "评价覆盖面不足。"})
    services.report_submit(report=report, by=people.street)
    services.report_accept(report=report, by=people.district)

    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["returned", "edited", "submitted", "accepted"]
    with pytest.raises(Conflict):
        services.report_edit(report=report, by=people.street, data={"problems": "再改"})


def test_a_draft_cannot_be_accepted(org, people):
    report = _written(org, people)
    with pytest.raises(Conflict):
        services.report_accept(report=report, by=people.district)


def test_refresh_takes_the_figures_again_while_being_written(org, people):
    report = _written(org, people)
    assert report.figures["projects"]["total"] == 0
    f.ProjectFactory(community=org.haiyun, created_by=people.secretary_haiyun)

    services.report_refresh(report=report, by=people.member)

    report.refresh_from_db()
    assert report.figures["projects"]["total"] == 1
    services.report_submit(report=report, by=people.street)
    with pytest.raises(Conflict):
        services.report_refresh(report=report, by=people.street)


def test_writing_refuses_fields_that_are_not_sections(org, people):
    report = _written(org, people)
    with pytest.raises(ValueError):
        services.report_edit(report=report, by=people.street, data={"status": "accepted"})


def test_a_section_longer_than_allowed_is_refused_and_nothing_saved(org, people):
    report = _written(org, people)
    with pytest.raises(ValidationError):
        services.report_edit(report=report, by=people.street, data={"problems": "长" * 4001})
    report.refresh_from_db()
    assert report.problems == SECTIONS["problems"]


# --- 年度考核 ------------------------------------------------------------------------------------
ASSESSED = {"grade": "good", "score": None, "comment": "工作扎实。"}


def test_the_district_records_one_assessment_per_street_and_year(org, people):
    f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    assessment = services.assessment_create(
        street=org.street_a, year=NOW.year, by=people.district, data=ASSESSED
    )

    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.figures["start"] == f"{NOW.year}-01-01"
    assert assessment.figures["end"] == f"{NOW.year}-12-31"
    assert assessment.figures["projects"]["total"] == 1
    with pytest.raises(Conflict):
        services.assessment_create(
            street=org.street_a, year=NOW.year, by=people.district, data=ASSESSED
        )
    assert YearlyAssessment.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.assessment_create(street=org.street_b, year=2026, by=people.street, data=ASSESSED)
    with pytest.raises(ValidationError):
        services.assessment_create(
            street=org.street_b, year=2099, by=people.district, data=ASSESSED
        )


def test_the_street_reads_its_assessment_only_once_finalised(org, people):
    assessment = AssessmentFactory(street=org.street_a, recorded_by=people.district)
    visible = YearlyAssessment.objects.visible_to
    assert not visible(people.street).exists()

    services.assessment_edit(
        assessment=assessment, by=people.district, data={"grade": "excellent", "score": 95}
    )
    services.assessment_finalise(assessment=assessment, by=people.district)

    assessment.refresh_from_db()
    assert (assessment.grade, assessment.score) == ("excellent", 95)
    assert (
        assessment.status == AssessmentStatus.FINAL and assessment.finalised_by == people.district
    )
    assert list(visible(people.street)) == [assessment]
    assert not visible(people.street_b).exists()
    assert not visible(people.secretary).exists()
    assert Notification.objects.filter(recipient=people.street, event="assessment.finalised")
    with pytest.raises(Conflict):
        services.assessment_edit(assessment=assessment, by=people.district, data={"grade": "poor"})


def test_an_assessment_refuses_a_score_out_of_range_and_keeps_the_old_one(org, people):
    assessment = AssessmentFactory(street=org.street_a, recorded_by=people.district, score=80)
    with pytest.raises(ValidationError):
        services.assessment_edit(assessment=assessment, by=people.district, data={"score": 101})
    assessment.refresh_from_db()
    assert assessment.score == 80
