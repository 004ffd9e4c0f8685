import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent, CalendarDay, Notification
from core.workdays import ensure_calendar
from core.workflow import Conflict
from projects import notice, services
from projects.models import BudgetLine, FundingGrant, NoticePolicy, Objection, Status
from projects.notice import (
    needs_notice,
    objection_answer,
    objection_decide,
    objection_hide,
    objection_raise,
)
from projects.selectors import project_steps
from projects.workflow import PROJECT_WORKFLOW
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY_BEFORE_NATIONAL_DAY = D(2026, 9, 28)


@pytest.fixture(autouse=True)
def calendar():
    ensure_calendar()


@pytest.fixture
def on(monkeypatch):
    """Move the notice rules' today."""

    def move(day):
        monkeypatch.setattr(notice, "today", lambda: day)

    return move


def approved(org, people, **fields):
    return f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        ready=True,
        status=Status.APPROVED,
        **fields,
    )


def announce(project, people):
    return services.project_announce(
        project=project, by=people.secretary, announcement="加装充电桩,欢迎提意见。"
    )


@pytest.fixture
def charging(org, people, on):
    """A 充电桩 project announced on the Monday before 国庆: period 28 Sep – 9 Oct."""
    on(MONDAY_BEFORE_NATIONAL_DAY)
    project = approved(org, people, title="国奥花园加装充电桩", changes_shared_property=True)
    return announce(project, people)


# --- does a project need a period ---------------------------------------------------------------
def test_shared_property_needs_a_period_whatever_it_costs(org, people):
    project = approved(org, people, changes_shared_property=True)
    assert needs_notice(project)


def test_public_money_above_the_threshold_needs_a_period_and_at_it_does_not(org, people):
    policy = NoticePolicy.current()
    project = approved(org, people)  # a 5000 yuan street budget line
    project.budget_lines.update(amount=policy.amount_threshold)
    assert not needs_notice(project)
    project.budget_lines.update(amount=policy.amount_threshold + Decimal("0.01"))
    assert needs_notice(project)


def test_money_of_partners_and_residents_is_not_public_money(org, people):
    project = approved(org, people)
    BudgetLine.objects.create(project=project, item="合伙人捐赠", amount=900000, source="partner")
    BudgetLine.objects.create(project=project, item="居民自筹", amount=900000, source="self")
    assert not needs_notice(project)


def test_a_grant_above_the_threshold_needs_a_period(org, people):
    project = approved(org, people)
    FundingGrant.objects.create(
        project=project, source="district", amount=80000, granted_by=people.district
    )
    assert needs_notice(project)


# --- announcing opens it; start waits ----------------------------------------------------------------
def test_announcing_opens_five_working_days_across_national_day(charging):
    assert charging.notice_round == 1
    assert charging.notice_starts_on == MONDAY_BEFORE_NATIONAL_DAY
    assert charging.notice_ends_on == D(2026, 10, 9)  # 28, 29, 30 Sep, 8, 9 Oct
    assert "公示期:2026年9月28日至10月9日,共5个工作日" in charging.events.last().note


def test_announcing_on_a_holiday_starts_the_period_on_the_next_working_day(org, people, on):
    on(D(2026, 2, 15))  # 春节
    project = announce(approved(org, people, changes_shared_property=True), people)
    assert project.notice_starts_on == D(2026, 2, 24)
    assert project.notice_ends_on == D(2026, 2, 28)  # 24–27 Feb and the worked Saturday


def test_a_neighbours_feast_has_no_period_and_starts_at_once(org, people, on):
    on(MONDAY_BEFORE_NATIONAL_DAY)
    project = announce(approved(org, people, title="百家宴"), people)
    assert project.notice_round == 0 and project.notice_ends_on is None
    PROJECT_WORKFLOW.perform(project, "start", by=people.secretary)
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS


def test_start_is_refused_while_the_period_runs_with_its_end_date(charging, people, on):
    on(D(2026, 10, 9))
    with pytest.raises(ValidationError) as refused:
        PROJECT_WORKFLOW.perform(charging, "start", by=people.secretary)
    assert "2026年10月09日" in refused.value.messages[0]
    charging.refresh_from_db()
    assert charging.status == Status.ANNOUNCED


def test_logging_an_activity_cannot_start_it_during_the_period_either(charging, people):
    with pytest.raises(ValidationError):
        services.activity_log(
            project=charging,
            by=people.secretary,
            data={"date": "2026-12-05", "place": "广场", "participants": 3, "volunteers": 0},
        )
    assert not charging.activities.exists()


def test_start_waits_for_every_objection_to_be_decided(charging, people, on):
    objection = objection_raise(project=charging, text="充电桩离我家窗户太近")
    on(D(2026, 10, 12))  # the period is over
    with pytest.raises(ValidationError, match="1 条居民异议"):
        PROJECT_WORKFLOW.perform(charging, "start", by=people.secretary)
    objection_answer(objection=objection, by=people.secretary, answer="已与物业商定移到东侧。")
    with pytest.raises(ValidationError, match="街道决定"):
        PROJECT_WORKFLOW.perform(charging, "start", by=people.secretary)
    objection_decide(objection=objection, by=people.street, upheld=False, note="答复可行。")
    PROJECT_WORKFLOW.perform(charging, "start", by=people.secretary)
    charging.refresh_from_db()
    assert charging.status == Status.IN_PROGRESS


# --- objections ------------------------------------------------------------------------------------
def test_an_objection_outside_the_period_is_refused(charging, on):
    on(D(2026, 10, 10))
    with pytest.raises(ValidationError, match="不在公示期内"):
        objection_raise(project=charging, text="晚了一天")
    assert not Objection.objects.exists()


def test_a_new_objection_reaches_the_community_and_an_answer_the_street(charging, people):
    objection = objection_raise(project=charging, text="担心夜间充电的安全")
    assert Notification.objects.filter(recipient=people.secretary, event="objection.raised")
    objection_answer(objection=objection, by=people.secretary, answer="加装防火设施。")
    assert Notification.objects.filter(recipient=people.street, event="objection.answered")
    assert not Notification.objects.filter(recipient=people.member, event="objection.answered")


def test_only_the_community_answers_and_only_the_street_decider_decides(charging, people):
    objection = objection_raise(project=charging, text="意见")
    with pytest.raises(PermissionDenied):
        objection_answer(objection=objection, by=people.street, answer="街道不答复")
    with pytest.raises(PermissionDenied):
        objection_answer(objection=objection, by=people.secretary2, answer="别的社区")
    with pytest.raises(Conflict):
        objection_decide(objection=objection, by=people.street, upheld=False, note="先答复")
    objection_answer(objection=objection, by=people.worker, answer="答复")
    for outsider in (people.member, people.secretary, people.street_b):
        with pytest.raises(PermissionDenied):
            objection_decide(objection=objection, by=outsider, upheld=True, note="不该由我")


def test_upholding_returns_the_project_and_reannouncing_opens_round_two(charging, people, on):
    objection = objection_raise(project=charging, text="未征得业委会同意")
    objection_answer(objection=objection, by=people.secretary, answer="将补开业委会会议。")
    objection_decide(objection=objection, by=people.street, upheld=True, note="请先征得业委会同意")
    charging.refresh_from_db()
    assert charging.status == Status.RETURNED
    event = charging.events.last()
    assert event.kind == "returned" and "公示异议成立" in event.note
    assert Notification.objects.filter(recipient=people.secretary, event="project.returned")
    # Sent back to the proposal step: step 4 is open again on the project page.
    steps = {step.number: step.done for step in project_steps(charging)}
    assert steps[4] is False and steps[5] is True
    services.project_submit(project=charging, by=people.secretary)
    services.project_approve(project=charging, by=people.street, comment="同意")
    on(D(2026, 11, 2))
    charging = announce(charging, people)
    assert charging.notice_round == 2
    assert charging.notice_ends_on == D(2026, 11, 6)
    second = objection_raise(project=charging, text="第二轮意见")
    assert second.notice_round == 2


def test_hiding_needs_a_reason_and_is_audited(charging, people):
    objection = objection_raise(project=charging, text="骂人的话")
    with pytest.raises(ValidationError, match="理由"):
        objection_hide(objection=objection, by=people.secretary, reason="  ")
    objection_hide(objection=objection, by=people.member, reason="含辱骂内容")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.HIDDEN and objection.hidden_by == people.member
    row = AuditEvent.objects.get(action="objection.hide", object_id=str(objection.pk))
    assert row.detail["reason"] == "含辱骂内容"
    assert row.actor == people.member


def test_a_hidden_objection_leaves_the_public_page_but_not_the_staff_page(charging, people, client):
    objection = objection_raise(project=charging, text="很难听的一句话")
    objection_hide(objection=objection, by=people.secretary, reason="含辱骂内容")
    public = client.get(reverse("public:announcement", args=[charging.pk])).content.decode()
    assert "很难听的一句话" not in public
    client.force_login(people.secretary)
    staff = client.get(reverse("projects:project_objections", args=[charging.pk]))
    assert "含辱骂内容" in staff.content.decode()


def test_the_phone_is_masked_on_staff_pages_and_in_the_audit_log(charging, people, client):
    objection = objection_raise(project=charging, text="请回电", phone="13912345678")
    assert objection.phone_hash
    row = AuditEvent.objects.get(action="objection.create")
    assert row.detail["phone"] == "139****5678"
    assert "13912345678" not in str(row.detail)
    client.force_login(people.secretary)
    page = client.get(objection.get_absolute_url()).content.decode()
    assert "139****5678" in page and "13912345678" not in page


# --- pages ---------------------------------------------------------------------------------------------
def test_a_resident_raises_an_objection_and_reads_the_public_answer(charging, people, client):
    url = reverse("public:objection_create", args=[charging.pk])
    form = client.get(url)
    assert form.status_code == 200
    token = form.context["objection_form"]["once"].value()
    posted = client.post(url, {"once": token, "text": "充电桩挡住了消防通道", "phone": ""})
    assert posted.status_code == 302
    objection = Objection.objects.get()
    assert objection.notice_round == 1
    again = client.post(url, {"once": token, "text": "充电桩挡住了消防通道", "phone": ""})
    assert again.status_code == 302 and Objection.objects.count() == 1  # the double post
    objection_answer(objection=objection, by=people.secretary, answer="位置已调整,不占通道。")
    page = client.get(reverse("public:announcement", args=[charging.pk])).content.decode()
    assert "公示期:2026年9月28日至10月9日,共5个工作日" in page
    assert "位置已调整,不占通道。" in page


def test_the_public_form_refuses_outside_the_period_and_saves_nothing(charging, client, on):
    on(D(2026, 10, 12))
    url = reverse("public:objection_create", args=[charging.pk])
    response = client.post(url, {"once": "x", "text": "太晚了", "phone": ""})
    assert response.status_code == 422
    assert "不在公示期内" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_public_form_is_rate_limited(charging, client, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "1/h", "ip": "9/h"}}
    url = reverse("public:objection_create", args=[charging.pk])
    client.get(url)  # the device cookie
    assert client.post(url, {"text": "一"}).status_code == 422  # no token: refused, but counted
    assert client.post(url, {"text": "二"}).status_code == 429


def test_the_street_sees_undecided_objections_in_its_queue(charging, people, client):
    objection = objection_raise(project=charging, text="等待决定的意见")
    objection_answer(objection=objection, by=people.secretary, answer="答复")
    client.force_login(people.street)
    assert "等待决定的意见" in client.get(reverse("projects:objections")).content.decode()
    client.force_login(people.street_b)
    assert "等待决定的意见" not in client.get(reverse("projects:objections")).content.decode()


def test_the_street_decides_on_the_objection_page(charging, people, client):
    objection = objection_raise(project=charging, text="意见")
    objection_answer(objection=objection, by=people.secretary, answer="答复")
    client.force_login(people.street)
    url = reverse("projects:objection_decide", args=[objection.pk])
    assert client.post(url, {"decision": "dismissed", "note": ""}).status_code == 422
    assert client.post(url, {"decision": "dismissed", "note": "答复合理"}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED


def test_an_empty_decision_shows_each_reason_beside_its_field_not_again_as_a_message(
    charging, people, client
):
    objection = objection_raise(project=charging, text="意见")
    objection_answer(objection=objection, by=people.secretary, answer="答复")
    client.force_login(people.street)
    url = reverse("projects:objection_decide", args=[objection.pk])
    response = client.post(url, {})
    assert response.status_code == 422
    assert not list(response.context["messages"])
    page = response.content.decode()
    assert "街道决定:这个字段是必填项。" in page and "决定意见:这个字段是必填项。" in page


def test_community_staff_reveal_the_objectors_phone_and_each_reveal_is_audited(
    charging, people, client
):
    objection = objection_raise(project=charging, text="请回电", phone="13912345678")
    url = reverse("projects:objection_phone", args=[objection.pk])
    client.force_login(people.secretary)
    page = client.get(objection.get_absolute_url()).content.decode()
    assert "139****5678" in page and "13912345678" not in page and url in page
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'href="tel:13912345678"' in response.content.decode()
    event = AuditEvent.objects.get(action="phone.reveal", result="ok")
    assert event.actor == people.secretary and event.detail["masked"] == "139****5678"
    assert "13912345678" not in str(event.detail)


@pytest.mark.parametrize("who", ["street", "district"])
def test_the_street_and_the_district_may_not_reveal_the_objectors_phone(
    charging, people, client, who
):
    objection = objection_raise(project=charging, text="请回电", phone="13912345678")
    client.force_login(getattr(people, who))
    page = client.get(objection.get_absolute_url()).content.decode()
    assert "139****5678" in page and "查看完整号码" not in page
    response = client.post(reverse("projects:objection_phone", args=[objection.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="phone.reveal", result="denied").exists()
    assert not AuditEvent.objects.filter(action="phone.reveal", result="ok").exists()


def test_revealing_an_objection_without_a_phone_says_so(charging, people, client):
    objection = objection_raise(project=charging, text="不留电话")
    client.force_login(people.secretary)
    response = client.post(reverse("projects:objection_phone", args=[objection.pk]))
    assert response.status_code == 422
    assert "这条异议没有留联系电话。" in response.content.decode()


def test_the_project_page_shows_the_period_and_what_waits(charging, people, client):
    objection_raise(project=charging, text="意见")
    client.force_login(people.secretary)
    page = client.get(charging.get_absolute_url()).content.decode()
    assert "第 1 轮公示" in page and "1 条待答复或待街道决定" in page


def test_the_plan_form_sets_the_shared_property_flag(org, people, client):
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary, ready=True)
    client.force_login(people.secretary)
    client.post(
        reverse("projects:plan", args=[project.pk]),
        {
            "goal": "加装充电桩",
            "target_groups": "车主",
            "start_date": "2026-12-01",
            "end_date": "2026-12-31",
            "changes_shared_property": "on",
        },
    )
    project.refresh_from_db()
    assert project.changes_shared_property


# --- the district keeps the calendar and the rule in the admin site -------------------------------
def test_district_staff_add_a_holiday_in_the_admin_and_the_arithmetic_sees_it(client, people):
    from core.workdays import is_working_day

    client.force_login(people.district)
    url = "/admin/core/calendarday/"
    assert client.get(url).status_code == 200
    response = client.post(f"{url}add/", {"date": "2026-12-07", "kind": "holiday", "name": "临时"})
    assert response.status_code == 302
    assert not is_working_day(D(2026, 12, 7))
    added = AuditEvent.objects.get(action="calendarday.create")
    assert added.actor == people.district


@pytest.mark.parametrize("who", ["street", "secretary", "sysadmin"])
def test_nobody_else_changes_the_calendar_or_the_rule(client, people, who):
    client.force_login(getattr(people, who))
    for url in ("/admin/core/calendarday/", "/admin/projects/noticepolicy/"):
        assert client.get(url).status_code in (302, 403)
    client.post(
        "/admin/core/calendarday/add/", {"date": "2026-12-08", "kind": "holiday", "name": "x"}
    )
    assert not CalendarDay.objects.filter(date=D(2026, 12, 8)).exists()


def test_district_staff_change_the_threshold_and_working_days(client, people):
    policy = NoticePolicy.current()
    client.force_login(people.district)
    assert client.get("/admin/projects/noticepolicy/").status_code == 200
    response = client.post(
        f"/admin/projects/noticepolicy/{policy.pk}/change/",
        {"amount_threshold": "30000", "working_days": "7"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.amount_threshold, policy.working_days) == (Decimal("30000"), 7)
    assert AuditEvent.objects.filter(action="noticepolicy.update").exists()
