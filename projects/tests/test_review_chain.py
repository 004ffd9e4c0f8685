"""Steps 3–4 in depth: readiness, review rounds, recommendations, approval with conditions,
funding, 督办 and the daily reminders. Each rule below the browser."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from projects import selectors, services
from projects.models import (
    Decision,
    Project,
    ProjectEvent,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from projects.review import MAX_PARAGRAPHS, compare, snapshot
from tests import factories as f

pytestmark = pytest.mark.django_db


def _filed(org, people) -> Project:
    """A draft with every piece of evidence of steps 1–4, filed through the services."""
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    project = services.project_create(
        by=people.secretary, community=org.guoao, title="楼道微更新", needs=[need]
    )
    services.project_update(
        project=project,
        by=people.secretary,
        data={
            "goal": "楼道亮起来",
            "start_date": "2027-01-05",
            "end_date": "2027-03-31",
            "micro_kind": "renewal",
        },
        compounds=[org.compound],
    )
    services.milestone_add(
        project=project,
        by=people.secretary,
        date="2027-01-10",
        title="招募志愿者",
        responsible="王",
    )
    services.budget_line_add(
        project=project, by=people.secretary, item="灯具", amount="2000", source="street"
    )
    services.budget_line_add(
        project=project, by=people.secretary, item="涂料", amount="800", source="partner"
    )
    partner = f.PartnerFactory(community=org.guoao)
    services.project_link_partner(project=project, partner=partner, by=people.secretary)
    services.meeting_record(
        project=project,
        by=people.secretary,
        data={
            "date": "2026-11-20",
            "feasibility": "物业同意提供电源",
            "decisions": "分两期实施",
            "volunteers_needed": 6,
        },
        attendances=[("branch", "党支部 王"), ("property", "物业 张"), ("owners", "业委会 李")],
    )
    services.project_update(
        project=project, by=people.secretary, data={"proposal": "第一期\n第二期"}
    )
    project.refresh_from_db()
    return project


def test_readiness_names_each_missing_step_and_a_complete_project_opens_round_one(org, people):
    empty = f.ProjectFactory(community=org.guoao)
    with pytest.raises(ValidationError) as refused:
        services.project_submit(project=empty, by=people.secretary)
    text = " ".join(refused.value.messages)
    for step in ("摸清需求", "链接资源", "定好计划", "联席会", "实施方案"):
        assert step in text
    assert not ReviewRound.objects.exists()

    project = _filed(org, people)
    assert project.budget_total == Decimal("2800.00")
    services.project_submit(project=project, by=people.secretary)
    review = ReviewRound.objects.get(project=project)
    assert review.number == 1 and review.decision == Decision.PENDING
    assert review.comments_due > timezone.localdate()
    kept = dict(review.snapshot)
    assert "灯具:2000.00 元(街道)" in kept["预算明细"]
    assert "物业:物业 张" in kept["联席会参会人"]
    assert kept["五微不至"] == "微更新"


def test_a_stated_reason_stands_in_for_a_partner(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True)
    assert not project.partners.exists() and project.no_partner_reason
    services.project_submit(project=project, by=people.secretary)
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_meeting_needs_attendees_and_a_past_date_and_saves_nothing_otherwise(org, people):
    project = f.ProjectFactory(community=org.guoao)
    base = {"date": "2026-11-20", "feasibility": "可行", "decisions": "同意"}
    with pytest.raises(ValidationError, match="参会人"):
        services.meeting_record(project=project, by=people.secretary, data=base, attendances=[])
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.meeting_record(
            project=project,
            by=people.secretary,
            data={**base, "date": tomorrow.isoformat()},
            attendances=[("branch", "王")],
        )
    with pytest.raises(ValidationError, match="会议决定"):
        services.meeting_record(
            project=project,
            by=people.secretary,
            data={**base, "decisions": " "},
            attendances=[("branch", "王")],
        )
    assert not type(project).objects.filter(pk=project.pk, meeting__isnull=False).exists()
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            project=project, by=people.street, data=base, attendances=[("branch", "王")]
        )


def test_rows_of_another_project_cannot_be_removed(org, people):
    mine = _filed(org, people)
    other = f.ProjectFactory(community=org.guoao, ready=True)
    line = other.budget_lines.get()
    with pytest.raises(ValidationError, match="不属于这个项目"):
        services.budget_line_remove(project=mine, by=people.secretary, budget_line=line)
    assert other.budget_lines.exists()


def test_experts_comment_members_recommend_and_only_the_leader_decides(org, people):
    project = _filed(org, people)
    services.project_submit(project=project, by=people.secretary)
    with pytest.raises(ValidationError, match="专家顾问只提意见"):
        services.project_comment(
            project=project, by=people.expert, comment="可以", recommendation="approve"
        )
    services.project_comment(project=project, by=people.expert, comment="注意用电安全")
    services.project_comment(
        project=project, by=people.member, comment="预算合理", recommendation="approve"
    )
    review = ReviewRound.objects.get(project=project)
    assert [(c.author.username, c.recommendation) for c in review.comments.all()] == [
        ("expert", ""),
        ("member", "approve"),
    ]
    assert project.events.filter(kind="commented", note__startswith="【建议批准】").exists()
    for who in ("member", "expert", "district", "street_b"):
        with pytest.raises(PermissionDenied):
            services.project_approve(project=project, by=getattr(people, who))


def test_approval_with_two_conditions_blocks_the_announcement_until_both_are_confirmed(org, people):
    project = _filed(org, people)
    services.project_submit(project=project, by=people.secretary)
    services.project_approve(
        project=project,
        by=people.street,
        comment="同意",
        conditions=["与物业签订用电协议", "  ", "公示施工时间"],
    )
    review = ReviewRound.objects.get(project=project)
    assert review.decision == Decision.CONDITIONAL and review.decided_by == people.street
    first, second = ReviewCondition.objects.filter(project=project).order_by("id")
    assert project.events.filter(kind="approved", note__contains="附 2 项条件").exists()

    with pytest.raises(ValidationError, match="与物业签订用电协议"):
        services.project_announce(project=project, by=people.secretary, announcement="周六见")
    with pytest.raises(PermissionDenied):
        services.condition_confirm(
            project=project, by=people.street, condition=first, evidence="已签"
        )
    with pytest.raises(ValidationError, match="如何落实"):
        services.condition_confirm(
            project=project, by=people.secretary, condition=first, evidence=" "
        )
    services.condition_confirm(
        project=project, by=people.secretary, condition=first, evidence="协议已签订"
    )
    with pytest.raises(ValidationError, match="公示施工时间"):
        services.project_announce(project=project, by=people.secretary, announcement="周六见")
    with pytest.raises(ValidationError, match="已经确认"):
        services.condition_confirm(
            project=project, by=people.secretary, condition=first, evidence="再来一次"
        )
    services.condition_confirm(
        project=project, by=people.secretary, condition=second, evidence="已在楼道张贴"
    )
    services.project_announce(project=project, by=people.secretary, announcement="周六见")
    project.refresh_from_db()
    assert project.status == Status.ANNOUNCED
    assert (
        Notification.objects.filter(recipient=people.street, event="project.condition").count() == 2
    )
    assert AuditEvent.objects.filter(action="project.confirm_condition").count() == 2


def test_a_condition_of_another_project_is_refused(org, people):
    project = _filed(org, people)
    other = f.ProjectFactory(community=org.guoao, ready=True, status=Status.APPROVED)
    services.project_submit(project=project, by=people.secretary)
    services.project_approve(project=project, by=people.street, conditions=["条件一"])
    foreign = ReviewCondition.objects.get(project=project)
    with pytest.raises(ValidationError, match="不属于这个项目"):
        services.condition_confirm(
            project=other, by=people.secretary, condition=foreign, evidence="x"
        )
    foreign.refresh_from_db()
    assert foreign.confirmed_at is None


def test_too_many_conditions_are_refused(org, people):
    project = _filed(org, people)
    services.project_submit(project=project, by=people.secretary)
    with pytest.raises(ValidationError, match="最多"):
        services.project_approve(
            project=project, by=people.street, conditions=[f"条件{i}" for i in range(11)]
        )
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert not ReviewCondition.objects.exists()


def test_resubmission_opens_round_two_and_shows_what_changed(org, people):
    project = _filed(org, people)
    services.project_submit(project=project, by=people.secretary)
    services.project_return(project=project, by=people.street, comment="预算请细化")
    assert ReviewRound.objects.get(project=project).decision == Decision.RETURNED
    services.project_update(
        project=project,
        by=people.secretary,
        data={"goal": "楼道亮起来,老人走夜路更安全", "proposal": "第一期\n第二期调整\n第三期"},
    )
    services.budget_line_add(
        project=project, by=people.secretary, item="安装人工", amount="500", source="self"
    )
    services.project_submit(project=project, by=people.secretary)
    second = ReviewRound.objects.get(project=project, number=2)
    before = selectors.previous_snapshot(second)
    changes, left_out = compare(before, second.snapshot)
    changed = {c.label: c for c in changes}
    assert set(changed) == {"项目目标", "预算明细", "预算总额", "实施方案"}
    assert left_out == 0
    plan = changed["实施方案"]
    assert [(line.kind, line.text) for line in plan.lines] == [
        ("same", "第一期"),
        ("removed", "第二期"),
        ("added", "第二期调整"),
        ("added", "第三期"),
    ]
    assert ("added", "安装人工:500.00 元(自筹)") in [
        (line.kind, line.text) for line in changed["预算明细"].lines
    ]


def test_a_long_diff_is_cut_to_the_page_size():
    old = [["实施方案", "\n".join(f"旧段落{i}" for i in range(200))]]
    new = [["实施方案", "\n".join(f"新段落{i}" for i in range(200))]]
    (change,), _ = compare(old, new)
    assert len(change.lines) == MAX_PARAGRAPHS
    assert change.cut == 400 - MAX_PARAGRAPHS


def test_snapshot_is_plain_text_of_every_field(org, people):
    project = _filed(org, people)
    rows = snapshot(project)
    assert all(isinstance(label, str) and isinstance(text, str) for label, text in rows)
    assert dict(rows)["服务的小区"] == org.compound.name


def test_grants_by_the_leader_and_the_district_and_the_overspending_warning(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.funds_grant(project=project, by=people.member, source="street", amount="100")
    with pytest.raises(PermissionDenied):
        services.funds_grant(project=project, by=people.street, source="district", amount="100")
    with pytest.raises(PermissionDenied):
        services.funds_grant(project=project, by=people.district, source="street", amount="100")
    with pytest.raises(ValidationError):
        services.funds_grant(project=project, by=people.street, source="street", amount="-1")
    services.funds_grant(project=project, by=people.street, source="street", amount="3000")
    services.funds_grant(project=project, by=people.street, source="street", amount="1000")
    services.funds_grant(project=project, by=people.district, source="district", amount="500")
    assert project.grants.count() == 2
    Project.objects.filter(pk=project.pk).update(status=Status.IN_PROGRESS)
    project.activities.create(
        date=datetime.date(2026, 12, 5),
        place="广场",
        participants=10,
        spending=Decimal("1200"),
        funding_source="street",
        status="held",  # a session's spending counts once it is held
        created_by=people.secretary,
    )
    fresh = selectors.project_get(user=people.district, pk=project.pk)
    rows, unassigned = selectors.funding(fresh)
    street = next(r for r in rows if r.source == "street")
    assert (street.requested, street.granted, street.spent) == (
        Decimal("5000.00"),
        Decimal("1000.00"),
        Decimal("1200"),
    )
    assert street.overspent and unassigned == 0
    assert next(r for r in rows if r.source == "partner").granted is None
    assert AuditEvent.objects.filter(action="project.grant_street").count() == 2


def test_supervision_raised_by_the_district_answered_by_the_community(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.IN_PROGRESS)
    due = timezone.localdate() + timedelta(days=7)
    for who in ("street", "secretary", "member"):
        with pytest.raises(PermissionDenied):
            services.supervision_raise(
                project=project, by=getattr(people, who), question="进度?", due_date=due
            )
    with pytest.raises(ValidationError, match="不能早于今天"):
        services.supervision_raise(
            project=project,
            by=people.district,
            question="进度?",
            due_date=timezone.localdate() - timedelta(days=1),
        )
    item = services.supervision_raise(
        project=project, by=people.district, question="活动为何推迟?", due_date=due
    )
    assert Notification.objects.filter(recipient=people.secretary, event="project.supervised")
    with pytest.raises(PermissionDenied):
        services.supervision_reply(item=item, by=people.secretary2, reply="不关我事")
    services.supervision_reply(item=item, by=people.secretary, reply="因天气推迟到下周六")
    item.refresh_from_db()
    assert item.status == Supervision.Status.ANSWERED and item.replied_by == people.secretary
    assert project.events.filter(kind=ProjectEvent.Kind.SUPERVISION_REPLIED).exists()
    assert Notification.objects.filter(recipient=people.district, event="supervision.replied")
    with pytest.raises(Conflict):
        services.supervision_reply(item=item, by=people.secretary, reply="再答一次")


def test_overdue_supervisions_are_the_open_ones_past_their_date(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.IN_PROGRESS)
    today = timezone.localdate()
    late = Supervision.objects.create(
        project=project, question="a", due_date=today - timedelta(days=2), raised_by=people.district
    )
    Supervision.objects.create(
        project=project, question="b", due_date=today + timedelta(days=2), raised_by=people.district
    )
    Supervision.objects.create(
        project=project,
        question="c",
        due_date=today - timedelta(days=2),
        raised_by=people.district,
        status="answered",
    )
    assert list(selectors.supervision_list(user=people.district, overdue=True)) == [late]
    assert list(selectors.supervision_list(user=people.secretary2, overdue=True)) == []


def test_reviewers_are_reminded_once_a_day_while_a_proposal_waits(org, people, settings):
    settings.REVIEW_REMIND_AFTER_DAYS = 3
    project = _filed(org, people)
    services.project_submit(project=project, by=people.secretary)
    review = ReviewRound.objects.get(project=project)
    now = timezone.now()
    assert services.reviewers_remind(now=now) == 0  # not waited long enough
    ReviewRound.objects.filter(pk=review.pk).update(submitted_at=now - timedelta(days=4))
    assert services.reviewers_remind(now=now) == 1
    assert services.reviewers_remind(now=now) == 0  # once a day
    reminded = set(
        Notification.objects.filter(event="project.review_reminder").values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == {"street", "member", "expert"}
    assert services.reviewers_remind(now=now + timedelta(days=1)) == 1
    services.project_approve(project=project, by=people.street)
    assert services.reviewers_remind(now=now + timedelta(days=2)) == 0


def test_filings_list_approvals_by_street_and_month(org, people):
    project = _filed(org, people)
    services.project_submit(project=project, by=people.secretary)
    services.project_approve(project=project, by=people.street, conditions=["一项条件"])
    other = f.ProjectFactory(community=org.yuehai, ready=True)
    services.project_submit(project=other, by=people.secretary2)
    services.project_return(project=other, by=people.street_b, comment="再议")
    month = timezone.localdate().replace(day=1)
    table, rows = selectors.filings(user=people.district, month=month)
    assert [(r["project__community__street__name"], r["count"]) for r in table] == [
        (org.street_a.name, 1)
    ]
    assert [r.project_id for r in rows] == [project.pk]
    _, rows_b = selectors.filings(user=people.street_b, month=month)
    assert list(rows_b) == []
