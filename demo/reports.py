"""半年述职 and 年度考核 in the demo district: every street's report of the last half year (2026
上半年 when loaded in late 2026), drafted from its own figures, most submitted, the home street's
(长江路街道, the `street` login) accepted and 悦海社区's street's returned with the district's
comment; and the district's finalised assessment of every street for the year before (2025).

Written straight through the ORM like the rest of the demo (no audit rows), with the statuses,
timeline and notifications reports/workflow.py would have left."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from reports.figures import compute
from reports.models import (
    AssessmentGrade,
    AssessmentStatus,
    HalfYearReport,
    Period,
    ReportEvent,
    ReportStatus,
    YearlyAssessment,
)

from .org import Org

SEED = 2061  # its own draws
RETURN_COMMENT = (
    "数据部分完整,但“存在问题”写得较笼统:请结合居民评价中不满意的意见,"
    "逐项说明原因和整改措施,并补充下半年老旧小区项目的时间安排后重新提交。"
)
ACCEPT_COMMENT = "述职内容翔实,数据清楚,同意。请继续推进老旧小区微更新项目。"
GRADES = [AssessmentGrade.EXCELLENT] * 3 + [AssessmentGrade.GOOD] * 3 + [AssessmentGrade.FAIR] * 2
SCORE = {
    AssessmentGrade.EXCELLENT: (92, 97),
    AssessmentGrade.GOOD: (84, 90),
    AssessmentGrade.FAIR: (72, 79),
}
ASSESSMENT_COMMENTS = {
    AssessmentGrade.EXCELLENT: "街道党工委把“百社百景”作为年度重点任务,领导小组调度有力,"
    "项目覆盖面广、居民满意率高,典型经验可在全区推广。",
    AssessmentGrade.GOOD: "项目推进有序,七步工作法落实较好;合伙人资源链接和复盘评估还可加强。",
    AssessmentGrade.FAIR: "项目数量达到要求,但部分项目进度滞后、居民参与不够,需加强过程调度。",
}


def _at(day, rng, hour=(9, 17)) -> datetime:
    moment = datetime.combine(day, time(rng.randint(*hour), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _sections(street_name: str, figures: dict) -> dict:
    projects, sessions = figures["projects"], figures["sessions"]
    needs, partners, grades = figures["needs"], figures["partners"], figures["grades"]
    rate = "暂无评价" if grades["rate"] is None else f"{grades['rate']}%"
    communities = figures["communities"]
    return {
        "practices": (
            f"{street_name}党工委把“百社百景”作为年度重点任务,领导小组每月调度一次,"
            "专家顾问团全程参与方案研判。各社区按照“七步工作法”摸需求、链资源、定计划、"
            "制方案、发预告、抓实施、做复盘。"
        ),
        "achievements": (
            f"本半年{communities['active']}个社区参与领办项目,在册项目{projects['total']}个,"
            f"新增{projects['new']}个,完成复盘{projects['completed']}个;收集居民需求"
            f"{needs['recorded']}条,解决{needs['solved']}条;新增幸福家园合伙人"
            f"{partners['new']}个;举办活动{sessions['held']}场,参与居民"
            f"{sessions['participants']}人次,志愿者{sessions['volunteers']}人次;"
            f"居民满意率{rate}。"
        ),
        "problems": (
            "一是部分老旧小区项目受场地和资金制约,进度偏慢;二是个别社区合伙人资源链接不足,"
            "依赖社区自身力量;三是线上投票评的参与率还不高。"
        ),
        "next_steps": (
            "下半年重点推进老旧小区微更新和一老一小服务项目,加强合伙人认领实事,"
            "做好年底擂台比武的项目遴选和复盘评估。"
        ),
    }


def _events(report, leader, district) -> list[ReportEvent]:
    """The timeline the workflow would have written for the report's status."""
    created = report.created_at
    rows = [ReportEvent(report=report, kind=ReportEvent.Kind.CREATED, actor=leader, at=created)]
    rows.append(
        ReportEvent(
            report=report,
            kind=ReportEvent.Kind.EDITED,
            actor=leader,
            at=created + timedelta(hours=2),
        )
    )
    if report.submitted_at:
        rows.append(
            ReportEvent(
                report=report,
                kind=ReportEvent.Kind.SUBMITTED,
                actor=leader,
                at=report.submitted_at,
            )
        )
    if report.status in (ReportStatus.RETURNED, ReportStatus.ACCEPTED):
        kind = (
            ReportEvent.Kind.RETURNED
            if report.status == ReportStatus.RETURNED
            else ReportEvent.Kind.ACCEPTED
        )
        rows.append(
            ReportEvent(
                report=report,
                kind=kind,
                actor=district,
                at=report.reviewed_at,
                note=report.review_comment,
            )
        )
    return rows


def build(org: Org, now: datetime) -> dict:
    """The reports of the last half year and the assessments of the year before; their counts."""
    rng = random.Random(SEED)
    today = timezone.localdate(now)
    period = Period.of(today).previous()
    district = org.logins["district"]
    home = org.logins["street"].role_assignments.get().street_id
    returned = org.yuehai.street_id
    reports, events = [], []
    for street in org.streets:
        leader = org.leader_of[street.pk]
        figures = compute(street, period.start, period.end)
        start_day = min(period.end + timedelta(days=rng.randint(1, 4)), today)
        submitted = min(_at(start_day + timedelta(days=rng.randint(2, 6)), rng), now)
        status, comment, reviewed = ReportStatus.SUBMITTED, "", None
        if street.pk == home:
            status, comment = ReportStatus.ACCEPTED, ACCEPT_COMMENT
        elif street.pk == returned:
            status, comment = ReportStatus.RETURNED, RETURN_COMMENT
        if comment:
            reviewed = min(submitted + timedelta(days=rng.randint(2, 5)), now)
        created = _at(start_day, rng)
        report = HalfYearReport(
            street=street,
            year=period.year,
            half=period.half,
            status=status,
            status_changed_at=reviewed or submitted,
            figures=figures,
            figures_at=created,
            submitted_at=submitted,
            submitted_by=leader,
            reviewed_at=reviewed,
            reviewed_by=district if reviewed else None,
            review_comment=comment,
            created_by=leader,
            created_at=created,
            **_sections(street.name, figures),
        )
        reports.append(report)
    HalfYearReport.objects.bulk_create(reports)
    for report in reports:
        events += _events(report, report.created_by, district)
    ReportEvent.objects.bulk_create(events)

    year = today.year - 1
    grades = list(GRADES)
    rng.shuffle(grades)
    assessments = []
    for index, street in enumerate(org.streets):
        grade = grades[index % len(grades)]
        if street.pk == home:
            grade = AssessmentGrade.EXCELLENT
        low, high = SCORE[grade]
        finalised = timezone.make_aware(datetime(year + 1, 1, rng.randint(10, 20), 10, 0))
        figures = compute(street, datetime(year, 1, 1).date(), datetime(year, 12, 31).date())
        assessments.append(
            YearlyAssessment(
                street=street,
                year=year,
                status=AssessmentStatus.FINAL,
                status_changed_at=finalised,
                grade=grade,
                score=rng.randint(low * 10, high * 10) / 10,
                comment=ASSESSMENT_COMMENTS[grade],
                figures=figures,
                figures_at=finalised - timedelta(days=3),
                recorded_by=district,
                created_at=finalised - timedelta(days=3),
                finalised_by=district,
                finalised_at=finalised,
            )
        )
    YearlyAssessment.objects.bulk_create(assessments)
    return {"half_year_reports": len(reports), "yearly_assessments": len(assessments)}
