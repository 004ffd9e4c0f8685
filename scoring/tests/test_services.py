"""Rubrics, rounds and sheets through their services: permissions, the workflow tables, the
judge's read-only grant and the rule that no judge scores a project of their own street."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from projects.models import Project, Status
from scoring import services
from scoring.access import judged_project_ids
from scoring.models import Entry, Judge, RoundKind, RoundStatus, ScoreSheet, SheetStatus
from scoring.rules import own_street
from scoring.tests import factories as sf
from tests import factories as f

D = Decimal
CRITERIA = [
    {"name": "需求契合度", "points": 25},
    {"name": "群众参与度", "points": 25},
    {"name": "实施成效", "points": 25},
    {"name": "创新性", "points": 15},
    {"name": "可持续性", "points": 10},
]


@pytest.fixture
def judging(org, people):
    """An open round holding a retrospected project of 国奥 (street A) and one of 悦海 (street
    B), judged by street B's expert `judge`."""
    round_obj = sf.round_(people.district)
    guoao = sf.entry(round_obj, sf.retrospected(org.guoao, people.secretary), people.district)
    yuehai = sf.entry(round_obj, sf.retrospected(org.yuehai, people.secretary2), people.district)
    sf.judge(round_obj, people.judge, people.district)
    return round_obj, guoao, yuehai


def _points(entry, *values):
    return {c.pk: D(v) for c, v in zip(entry.round.rubric.criteria.all(), values, strict=True)}


# --- rubrics --------------------------------------------------------------------------------
def test_district_defines_a_rubric_and_nobody_else_may(people):
    rubric = services.rubric_create(by=people.district, name="年度评分细则", criteria=CRITERIA)

    assert [(c.name, c.points) for c in rubric.criteria.all()][0] == ("需求契合度", 25)
    assert AuditEvent.objects.filter(action="rubric.create", object_id=str(rubric.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.rubric_create(by=people.street, name="街道细则", criteria=CRITERIA)


def test_a_rubric_used_by_an_opened_round_cannot_change_but_can_be_copied(judging, people):
    round_obj, _, _ = judging

    with pytest.raises(Conflict, match="复制"):
        services.rubric_update(
            rubric=round_obj.rubric,
            by=people.district,
            name="改",
            description="",
            criteria=CRITERIA,
        )
    copy = services.rubric_copy(rubric=round_obj.rubric, by=people.district)
    services.rubric_update(
        rubric=copy,
        by=people.district,
        name="改过的细则",
        description="",
        criteria=CRITERIA[:1] + [{"name": "其他", "points": 75}],
    )

    copy.refresh_from_db()
    assert copy.copied_from == round_obj.rubric
    assert [c.name for c in copy.criteria.all()] == ["需求契合度", "其他"]
    assert round_obj.rubric.criteria.count() == 5


def test_rubric_form_requires_points_adding_up_to_100():
    from scoring.forms import RubricForm

    form = RubricForm(
        {"name": "x", "c1_name": "甲", "c1_points": "60", "c2_name": "乙", "c2_points": "30"}
    )

    assert not form.is_valid()
    assert "应为 100 分" in str(form.errors)


# --- rounds ---------------------------------------------------------------------------------
def test_a_round_opens_only_with_projects_judges_and_a_full_rubric(org, people):
    today = timezone.localdate()
    round_obj = services.round_create(
        by=people.district,
        kind=RoundKind.REVIEW,
        data={
            "name": "评审",
            "year": today.year,
            "description": "",
            "rubric": sf.rubric(people.district),
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=5),
            "tie_break": "satisfaction",
        },
    )

    with pytest.raises(ValidationError) as refused:
        services.round_open(round=round_obj, by=people.district)
    assert "请先加入参评项目。" in refused.value.messages
    assert "请先指派评委。" in refused.value.messages

    services.round_add_entry(
        round=round_obj, by=people.district, project=sf.retrospected(org.guoao, people.secretary)
    )
    services.judge_assign(round=round_obj, by=people.district, user=people.judge)
    services.round_open(round=round_obj, by=people.district)

    round_obj.refresh_from_db()
    assert round_obj.status == RoundStatus.OPEN
    assert Notification.objects.filter(recipient=people.judge, event="scoring.assigned").exists()


def test_only_retrospected_projects_enter_a_review_round(judging, org, people):
    round_obj, _, _ = judging
    draft = f.ProjectFactory(community=org.guoao, created_by=people.secretary, status=Status.DRAFT)

    with pytest.raises(ValidationError, match="还没有完成复盘"):
        services.round_add_entry(round=round_obj, by=people.district, project=draft)


def test_judges_are_district_staff_or_experts_only(judging, people):
    round_obj, _, _ = judging

    with pytest.raises(ValidationError, match="区级工作人员或专家顾问"):
        services.judge_assign(round=round_obj, by=people.district, user=people.secretary)
    with pytest.raises(PermissionDenied):
        services.judge_assign(round=round_obj, by=people.street, user=people.expert)


def test_a_judge_who_scored_cannot_be_unassigned(judging, people):
    round_obj, guoao, _ = judging
    sf.sheet(guoao, people.judge, 80, status=SheetStatus.DRAFT)
    judge = Judge.objects.get(round=round_obj, user=people.judge)

    with pytest.raises(ValidationError, match="已经填写了评分表"):
        services.judge_unassign(round=round_obj, by=people.district, judge=judge)


def test_competition_takes_one_entrant_per_community_chosen_by_its_street_leader(org, people):
    competition = sf.round_(people.district, kind=RoundKind.COMPETITION, status=RoundStatus.DRAFT)
    first = sf.retrospected(org.guoao, people.secretary, "邻里节")
    second = f.ProjectFactory(
        community=org.guoao, created_by=people.secretary, status=Status.IN_PROGRESS, title="百家宴"
    )

    services.entrant_choose(round=competition, by=people.street, community=org.guoao, project=first)
    services.entrant_choose(
        round=competition, by=people.street, community=org.guoao, project=second
    )

    assert list(
        Entry.objects.filter(round=competition).values_list("project__title", flat=True)
    ) == ["百家宴"]
    with pytest.raises(PermissionDenied):
        services.entrant_choose(
            round=competition, by=people.street_b, community=org.guoao, project=first
        )
    with pytest.raises(ValidationError, match="本社区的项目"):
        services.entrant_choose(
            round=competition, by=people.street, community=org.haiyun, project=first
        )
    with pytest.raises(ValidationError, match="由各街道领导小组组长"):
        services.round_add_entry(round=competition, by=people.district, project=first)


# --- sheets ---------------------------------------------------------------------------------
def test_judge_saves_a_draft_then_submits_and_the_sheet_is_locked(judging, people):
    _, guoao, _ = judging

    draft = services.sheet_save(
        entry=guoao, by=people.judge, points={**_points(guoao, 20, 20, 20, 10, 5)}, comment="好"
    )
    assert (draft.status, draft.total) == (SheetStatus.DRAFT, D("75"))
    submitted = services.sheet_save(
        entry=guoao, by=people.judge, points=_points(guoao, 22, 20, 20, 10, 5.5), submit=True
    )
    assert (submitted.status, submitted.total) == (SheetStatus.SUBMITTED, D("77.5"))
    assert ScoreSheet.objects.filter(entry=guoao).count() == 1

    with pytest.raises(Conflict, match="已提交"):
        services.sheet_save(entry=guoao, by=people.judge, points=_points(guoao, 1, 1, 1, 1, 1))
    assert ScoreSheet.objects.get().total == D("77.5")
    assert AuditEvent.objects.filter(action="scoresheet.submit").count() == 1


def test_submitting_needs_every_criterion_within_its_full_marks(judging, people):
    _, guoao, _ = judging
    criteria = list(guoao.round.rubric.criteria.all())

    with pytest.raises(ValidationError) as refused:
        services.sheet_save(
            entry=guoao, by=people.judge, points={criteria[0].pk: D("26")}, submit=True
        )

    assert "“需求契合度”的得分应在 0 到 25 分之间。" in refused.value.messages
    assert "请为“群众参与度”打分。" in refused.value.messages
    assert not ScoreSheet.objects.exists()  # nothing half-saved


def test_no_judge_scores_a_project_of_their_own_street(judging, people):
    _, _, yuehai = judging

    assert own_street(people.judge, yuehai)
    with pytest.raises(PermissionDenied):
        services.sheet_save(entry=yuehai, by=people.judge, points=_points(yuehai, 1, 1, 1, 1, 1))


def test_an_unassigned_expert_cannot_score(judging, people):
    _, guoao, _ = judging

    with pytest.raises(PermissionDenied):
        services.sheet_save(entry=guoao, by=people.judge_unassigned, points={})


def test_no_scoring_outside_the_rounds_dates(judging, people):
    round_obj, guoao, _ = judging
    round_obj.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    round_obj.opens_on = round_obj.closes_on - datetime.timedelta(days=5)
    round_obj.save()

    with pytest.raises(ValidationError, match="不在评分时间内"):
        services.sheet_save(entry=guoao, by=people.judge, points=_points(guoao, 1, 1, 1, 1, 1))


def test_district_reopens_a_submitted_sheet_with_a_reason(judging, people):
    _, guoao, _ = judging
    sheet = sf.sheet(guoao, people.judge, 80)

    with pytest.raises(ValidationError, match="原因"):
        services.sheet_reopen(sheet=sheet, by=people.district, reason=" ")
    with pytest.raises(PermissionDenied):
        services.sheet_reopen(sheet=sheet, by=people.judge, reason="再想想")
    services.sheet_reopen(sheet=sheet, by=people.district, reason="创新性漏看材料")

    sheet.refresh_from_db()
    assert (sheet.status, sheet.reopen_reason) == (SheetStatus.DRAFT, "创新性漏看材料")
    event = AuditEvent.objects.get(action="scoresheet.reopen")
    assert event.detail["reason"] == "创新性漏看材料"
    assert Notification.objects.filter(recipient=people.judge, event="scoring.sheet_reopened")


def test_publishing_needs_a_closed_round_with_submitted_sheets(judging, people):
    round_obj, guoao, _ = judging

    with pytest.raises(Conflict):
        services.round_publish(round=round_obj, by=people.district)
    services.round_close(round=round_obj, by=people.district)
    with pytest.raises(ValidationError, match="没有可公布的结果"):
        services.round_publish(round=round_obj, by=people.district)
    sf.sheet(guoao, people.judge, 80)
    services.round_publish(round=round_obj, by=people.district)

    round_obj.refresh_from_db()
    assert round_obj.status == RoundStatus.PUBLISHED and round_obj.published_at


# --- the read-only grant ----------------------------------------------------------------------
def _next_request(user):
    """The same person as the next request loads them (facts kept on the user object go)."""
    from accounts.models import User

    return User.objects.get(pk=user.pk)


def test_assigned_judge_sees_the_rounds_projects_only_while_it_is_open(judging, people):
    round_obj, guoao, yuehai = judging

    visible = set(Project.objects.visible_to(people.judge).values_list("pk", flat=True))
    assert guoao.project_id in visible  # granted
    assert yuehai.project_id in visible  # his own street's, as an expert
    assert guoao.project_id not in set(
        Project.objects.visible_to(people.judge_unassigned).values_list("pk", flat=True)
    )
    services.round_close(round=round_obj, by=people.district)
    assert guoao.project_id not in judged_project_ids(_next_request(people.judge))


def test_the_grant_ends_with_the_rounds_last_day(judging, people):
    round_obj, guoao, _ = judging
    round_obj.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    round_obj.opens_on = round_obj.closes_on
    round_obj.save()

    assert guoao.project_id not in judged_project_ids(people.judge)


@pytest.mark.django_db(transaction=True)
def test_people_who_never_judged_pay_no_query_and_a_judge_one_at_most(
    org, people, django_assert_num_queries
):
    """As in production (requests are not transactions): the set of judges is cached for the
    whole site, a judge's assignments for him."""
    round_obj = sf.round_(people.district)
    entry = sf.entry(round_obj, sf.retrospected(org.guoao, people.secretary), people.district)
    sf.judge(round_obj, people.judge, people.district)
    secretary, street_b, judge, judge_again = (
        _next_request(u) for u in (people.secretary, people.street_b, people.judge, people.judge)
    )
    judged_project_ids(_next_request(people.district))  # the first request fills the cache
    for user in (secretary, street_b, judge, judge_again):
        assert user.scope  # every request reads the person's roles before any page does

    with django_assert_num_queries(0):
        assert judged_project_ids(secretary) == frozenset()
        assert judged_project_ids(street_b) == frozenset()
    with django_assert_num_queries(1):
        assert judged_project_ids(judge) == {entry.project_id}
        assert judged_project_ids(judge) == {entry.project_id}  # kept for the request
    with django_assert_num_queries(0):
        assert judged_project_ids(judge_again) == {entry.project_id}  # the next request


def test_assigning_a_judge_forgets_the_cached_set(judging, org, people):
    round_obj, guoao, _ = judging
    assert judged_project_ids(people.judge_unassigned) == frozenset()

    services.judge_assign(round=round_obj, by=people.district, user=people.judge_unassigned)

    assert guoao.project_id in judged_project_ids(_next_request(people.judge_unassigned))
