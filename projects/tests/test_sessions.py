"""Step 6 as a programme (projects/sessions.py): recurrence, the session lifecycle and its
refusals, the gate through the project's `start`, photo consent, and the pages' query counts."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from core.workflow import Conflict
from projects import selectors
from projects.models import (
    Activity,
    ActivityPhoto,
    ActivitySeries,
    BudgetLine,
    Milestone,
    ProjectClass,
    ProjectEvent,
    Recurrence,
    Status,
)
from projects.sessions import (
    SESSION_WORKFLOW,
    occurrence,
    photo_publish,
    photo_withdraw,
    series_create,
    series_extend_all,
    serves_children,
    session_cancel,
    session_edit,
    session_hold,
    session_schedule,
)
from projects.workflow import PROJECT_WORKFLOW
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def running(org, people, *, status=Status.IN_PROGRESS, **kwargs):
    """A project of 国奥社区 whose plan runs from a month ago to a year from now."""
    project = f.ProjectFactory(
        community=org.guoao, created_by=people.secretary, announced=True, **kwargs
    )
    project.status = status
    project.start_date = TODAY - datetime.timedelta(days=60)
    project.end_date = TODAY + datetime.timedelta(days=400)
    project.save(update_fields=["status", "start_date", "end_date"])
    return project


def schedule(project, people, day=None, **data):
    fields = {"title": "百家宴", "date": day or TODAY, "place": "中心广场", **data}
    return session_schedule(project=project, by=people.secretary, data=fields)


# --- recurrence -------------------------------------------------------------------------------
def test_monthly_on_the_31st_falls_on_the_last_day_of_short_months():
    dates = [occurrence(D(2027, 1, 31), Recurrence.MONTHLY, n) for n in range(4)]
    assert dates == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]


def test_yearly_on_29_february_falls_on_28_february_in_common_years():
    dates = [occurrence(D(2028, 2, 29), Recurrence.YEARLY, n) for n in range(5)]
    assert dates == [D(2028, 2, 29), D(2029, 2, 28), D(2030, 2, 28), D(2031, 2, 28), D(2032, 2, 29)]


def test_weekly_is_seven_days_apart():
    assert occurrence(D(2027, 12, 29), Recurrence.WEEKLY, 1) == D(2028, 1, 5)


def test_a_series_generates_twelve_months_ahead_and_never_past_the_plans_end(org, people):
    project = running(org, people)
    project.end_date = TODAY + datetime.timedelta(days=900)
    project.save(update_fields=["end_date"])
    series = series_create(
        project=project,
        by=people.secretary,
        data={"title": "读书会", "place": "活动室", "recurrence": "monthly", "first_date": TODAY},
    )
    dates = list(series.sessions.values_list("date", flat=True).order_by("date"))
    assert len(dates) == 13  # this month and the next twelve
    assert dates[-1] <= TODAY.replace(year=TODAY.year + 1)
    assert all(
        s == Activity.Status.SCHEDULED for s in series.sessions.values_list("status", flat=True)
    )
    # The plan ends sooner: nothing past its end.
    short = running(org, people)
    short.end_date = TODAY + datetime.timedelta(days=70)
    short.save(update_fields=["end_date"])
    weekly = series_create(
        project=short,
        by=people.secretary,
        data={"title": "健步走", "place": "步道", "recurrence": "weekly", "first_date": TODAY},
    )
    assert weekly.sessions.count() == 11
    assert weekly.generated_until == short.end_date


def test_a_series_stops_at_its_until(org, people):
    project = running(org, people)
    series = series_create(
        project=project,
        by=people.secretary,
        data={
            "title": "健步走",
            "place": "步道",
            "recurrence": "weekly",
            "first_date": TODAY,
            "until": TODAY + datetime.timedelta(days=21),
        },
    )
    assert series.sessions.count() == 4


def test_the_daily_task_extends_each_live_series_once(org, people):
    project = running(org, people)
    project.end_date = TODAY + datetime.timedelta(days=900)
    project.save(update_fields=["end_date"])
    series = series_create(
        project=project,
        by=people.secretary,
        data={"title": "百家宴", "place": "广场", "recurrence": "monthly", "first_date": TODAY},
    )
    before = series.sessions.count()
    assert series_extend_all(today=TODAY) == 0  # nothing new today
    later = TODAY + datetime.timedelta(days=62)
    made = series_extend_all(today=later)
    assert made == 2 and series.sessions.count() == before + 2
    assert series_extend_all(today=later) == 0  # a retry or a second worker makes nothing
    assert series.sessions.values("date").distinct().count() == before + 2
    # A cancelled session is not made again.
    first = series.sessions.order_by("date").first()
    session_cancel(session=first, by=people.secretary, reason="下雨")
    series_extend_all(today=later + datetime.timedelta(days=1))
    assert series.sessions.filter(date=first.date).count() == 1


def test_the_management_command_and_the_task_extend_series(org, people):
    from django.core.management import call_command

    from projects.tasks import extend_series

    project = running(org, people)
    project.end_date = TODAY + datetime.timedelta(days=900)
    project.save(update_fields=["end_date"])
    series = series_create(
        project=project,
        by=people.secretary,
        data={"title": "百家宴", "place": "广场", "recurrence": "yearly", "first_date": TODAY},
    )
    assert series.sessions.count() == 2
    future = (TODAY + datetime.timedelta(days=400)).isoformat()
    call_command("extend_series", "--date", future)
    assert series.sessions.count() == 3
    assert extend_series(future) == 0


def test_series_of_a_closed_project_are_not_extended(org, people):
    project = running(org, people)
    series = series_create(
        project=project,
        by=people.secretary,
        data={"title": "百家宴", "place": "广场", "recurrence": "weekly", "first_date": TODAY},
    )
    count = series.sessions.count()
    project.status = Status.RETROSPECTED
    project.save(update_fields=["status"])
    assert series_extend_all(today=TODAY + datetime.timedelta(days=60)) == 0
    assert series.sessions.count() == count


# --- scheduling and its refusals ---------------------------------------------------------------
def test_staff_of_another_community_may_not_schedule(org, people):
    project = running(org, people)
    with pytest.raises(PermissionDenied):
        session_schedule(
            project=project,
            by=people.secretary2,
            data={"date": TODAY, "place": "广场", "title": "x"},
        )


def test_a_draft_cannot_plan_sessions(org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True)
    with pytest.raises(Conflict):
        schedule(project, people)


def test_a_session_outside_the_plan_or_too_far_ahead_is_refused(org, people):
    project = running(org, people)
    with pytest.raises(ValidationError) as refused:
        schedule(project, people, day=TODAY + datetime.timedelta(days=500))
    text = " ".join(refused.value.messages)
    assert "不在项目计划的时间内" in text and "最多提前 12 个月" in text
    with pytest.raises(ValidationError, match="结束时间应晚于开始时间"):
        schedule(project, people, starts_at=datetime.time(10), ends_at=datetime.time(9))
    assert not project.activities.exists()


def test_scheduling_writes_the_timeline_and_the_audit(org, people):
    project = running(org, people)
    milestone = Milestone.objects.create(
        project=project, date=TODAY, title="第一次活动", responsible="王"
    )
    session = session_schedule(
        project=project,
        by=people.secretary,
        data={"title": "百家宴", "date": TODAY, "place": "广场", "signup_capacity": 40},
        milestone=milestone,
    )
    assert session.status == Activity.Status.SCHEDULED and session.milestone == milestone
    assert project.events.filter(kind=ProjectEvent.Kind.SESSION_PLANNED).exists()
    assert AuditEvent.objects.filter(action="activity.create", object_id=str(session.pk)).exists()


def test_editing_a_scheduled_session_and_not_a_held_one(org, people):
    project = running(org, people)
    session = schedule(project, people)
    later = TODAY + datetime.timedelta(days=3)
    session_edit(session=session, by=people.secretary, data={"date": later, "place": "活动室"})
    session.refresh_from_db()
    assert (session.date, session.place) == (later, "活动室")
    held = schedule(project, people, day=TODAY - datetime.timedelta(days=1))
    session_hold(session=held, by=people.secretary, data={"participants": 10})
    with pytest.raises(Conflict):
        session_edit(session=held, by=people.secretary, data={"place": "别处"})


def test_a_milestone_of_another_project_is_refused(org, people):
    project, other = running(org, people), running(org, people)
    foreign = Milestone.objects.create(project=other, date=TODAY, title="别的", responsible="李")
    session = schedule(project, people)
    with pytest.raises(ValidationError, match="所选计划节点不属于这个项目"):
        session_edit(session=session, by=people.secretary, data={"milestone": foreign})


# --- holding, cancelling -----------------------------------------------------------------------
def test_a_future_session_cannot_be_held(org, people):
    project = running(org, people)
    session = schedule(project, people, day=TODAY + datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="还没到"):
        session_hold(session=session, by=people.secretary, data={"participants": 10})
    session.refresh_from_db()
    assert session.status == Activity.Status.SCHEDULED


def test_holding_records_volunteers_spending_and_photos(org, people, tiny_png):
    project = running(org, people)
    street_line = project.budget_lines.get()
    partner = f.PartnerFactory(community=org.guoao, name="国奥物业")
    helper = f.PartnerFactory(community=org.guoao, name="法律顾问")
    session = schedule(project, people)
    session_hold(
        session=session,
        by=people.secretary,
        data={"participants": 80, "note": "很热闹", "shows_children": True},
        volunteers=[(partner, Decimal("3")), (helper, Decimal("2.5"))],
        spending=[(street_line, Decimal("300"))],
        photos=[tiny_png],
    )
    session.refresh_from_db()
    assert session.status == Activity.Status.HELD
    assert (session.participants, session.volunteers) == (80, 2)
    assert session.spending == Decimal("300.00") and session.funding_source == "street"
    assert sorted(session.volunteer_rows.values_list("hours", flat=True)) == [
        Decimal("2.5"),
        Decimal("3.0"),
    ]
    photo = session.photos.get()
    assert photo.public is False and photo.shows_children is True
    assert photo.upload.owner == project
    assert project.events.filter(kind=ProjectEvent.Kind.ACTIVITY).exists()


def test_spending_from_two_sources_counts_against_each(org, people):
    project = running(org, people)
    street_line = project.budget_lines.get()
    own = BudgetLine.objects.create(project=project, item="居民自带菜", amount=500, source="self")
    session = schedule(project, people)
    session_hold(
        session=session,
        by=people.secretary,
        data={"participants": 30},
        spending=[(street_line, Decimal("100")), (own, Decimal("50"))],
    )
    session.refresh_from_db()
    assert session.spending == Decimal("150.00") and session.funding_source == ""
    rows, unassigned = selectors.funding(project)
    spent = {row.source: row.spent for row in rows}
    assert spent["street"] == Decimal("100") and spent["self"] == Decimal("50")
    assert unassigned == 0


def test_a_volunteer_of_another_community_or_a_budget_line_of_another_project_is_refused(
    org, people
):
    project, other = running(org, people), running(org, people)
    stranger = f.PartnerFactory(community=org.yuehai)
    session = schedule(project, people)
    with pytest.raises(ValidationError) as refused:
        session_hold(
            session=session,
            by=people.secretary,
            data={"participants": 5},
            volunteers=[(stranger, Decimal("2"))],
            spending=[(other.budget_lines.get(), Decimal("10"))],
        )
    text = " ".join(refused.value.messages)
    assert "本社区登记的合伙人" in text and "这个项目的预算明细" in text
    assert not session.volunteer_rows.exists() and not session.spending_rows.exists()


def test_holding_the_first_session_of_an_announced_project_starts_implementation(org, people):
    project = running(org, people, status=Status.ANNOUNCED)
    session = schedule(project, people)
    session_hold(session=session, by=people.secretary, data={"participants": 12})
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    assert project.events.filter(kind=ProjectEvent.Kind.STARTED).exists()


def test_what_stops_the_projects_start_stops_holding(org, people, monkeypatch):
    """The 公示 gate lives on PROJECT_WORKFLOW's `start`: whatever it refuses, holding refuses
    too, with its reason, and nothing is saved."""
    start = PROJECT_WORKFLOW["start"]
    gated = dataclasses.replace(start, check=lambda step: iter(["公示期尚未结束。"]))
    monkeypatch.setitem(PROJECT_WORKFLOW.actions, "start", gated)
    project = running(org, people, status=Status.ANNOUNCED)
    partner = f.PartnerFactory(community=org.guoao)
    session = schedule(project, people)
    with pytest.raises(ValidationError, match="公示期尚未结束"):
        session_hold(
            session=session,
            by=people.secretary,
            data={"participants": 12},
            volunteers=[(partner, Decimal("2"))],
        )
    project.refresh_from_db()
    session.refresh_from_db()
    assert project.status == Status.ANNOUNCED
    assert session.status == Activity.Status.SCHEDULED and not session.volunteer_rows.exists()


def test_the_gate_answers_422_on_the_hold_page(client, org, people, monkeypatch):
    start = PROJECT_WORKFLOW["start"]
    gated = dataclasses.replace(start, check=lambda step: iter(["公示期尚未结束。"]))
    monkeypatch.setitem(PROJECT_WORKFLOW.actions, "start", gated)
    project = running(org, people, status=Status.ANNOUNCED)
    session = schedule(project, people)
    client.force_login(people.secretary)
    response = client.post(f"/projects/sessions/{session.pk}/hold/", {"participants": "5"})
    assert response.status_code == 422
    assert "公示期尚未结束" in response.content.decode()


def test_a_retrospected_project_cannot_hold_sessions(org, people):
    project = running(org, people)
    session = schedule(project, people)
    project.status = Status.RETROSPECTED
    project.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="不能记录活动"):
        session_hold(session=session, by=people.secretary, data={"participants": 3})


def test_cancelling_needs_a_reason_and_only_a_scheduled_session(org, people):
    project = running(org, people)
    session = schedule(project, people)
    with pytest.raises(ValidationError, match="取消的原因"):
        session_cancel(session=session, by=people.secretary, reason=" ")
    session_cancel(session=session, by=people.secretary, reason="暴雨预警")
    session.refresh_from_db()
    assert session.status == Activity.Status.CANCELLED and session.cancel_reason == "暴雨预警"
    with pytest.raises(Conflict):
        session_hold(session=session, by=people.secretary, data={"participants": 3})


def test_other_communities_staff_get_403_and_404(client, org, people):
    project = running(org, people)
    session = schedule(project, people)
    with pytest.raises(PermissionDenied):
        session_cancel(session=session, by=people.secretary2, reason="x")
    client.force_login(people.secretary2)
    assert client.get(f"/projects/sessions/{session.pk}/").status_code == 404
    client.force_login(people.street)
    assert client.get(f"/projects/sessions/{session.pk}/").status_code == 200
    response = client.post(f"/projects/sessions/{session.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 403


def test_cancelling_a_held_session_answers_409(client, org, people):
    project = running(org, people)
    session = schedule(project, people)
    session_hold(session=session, by=people.secretary, data={"participants": 3})
    client.force_login(people.secretary)
    response = client.post(f"/projects/sessions/{session.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 409


# --- photos and consent ------------------------------------------------------------------------
def _held_with_photo(project, people, tiny_png, *, children=False):
    session = schedule(project, people)
    session_hold(
        session=session,
        by=people.secretary,
        data={"participants": 20, "shows_children": children},
        photos=[tiny_png],
    )
    return session, session.photos.get()


def test_a_photo_becomes_public_only_with_consent_confirmed(org, people, tiny_png):
    project = running(org, people)
    session, photo = _held_with_photo(project, people, tiny_png)
    with pytest.raises(ValidationError, match="已同意公开"):
        photo_publish(session=session, photo=photo, by=people.secretary, consent=False)
    photo_publish(session=session, photo=photo, by=people.secretary, consent=True)
    photo.refresh_from_db()
    assert photo.public and photo.consent_by == people.secretary and photo.consent_at
    assert AuditEvent.objects.filter(action="activity.publish_photo").exists()
    photo_withdraw(session=session, photo=photo, by=people.secretary)
    photo.refresh_from_db()
    assert not photo.public and photo.consent_by is None


def test_a_photo_of_children_needs_the_guardians_consent(org, people, tiny_png):
    project = running(org, people)
    session, photo = _held_with_photo(project, people, tiny_png, children=True)
    with pytest.raises(ValidationError, match="监护人同意"):
        photo_publish(session=session, photo=photo, by=people.secretary, consent=True)
    photo_publish(
        session=session, photo=photo, by=people.secretary, consent=True, guardian_consent=True
    )
    photo.refresh_from_db()
    assert photo.public


def test_every_photo_of_a_yilao_yixiao_project_needs_the_guardians_consent(org, people, tiny_png):
    klass, _ = ProjectClass.objects.get_or_create(name="一老一小")
    project = running(org, people, project_class=klass)
    assert serves_children(project)
    assert serves_children(running(org, people, target_groups="小区儿童及家长"))
    assert not serves_children(running(org, people, target_groups="全体居民"))
    session, photo = _held_with_photo(project, people, tiny_png)
    with pytest.raises(ValidationError, match="监护人同意"):
        photo_publish(session=session, photo=photo, by=people.secretary, consent=True)


def test_a_photo_of_another_session_is_refused(org, people, tiny_png):
    project = running(org, people)
    session, _ = _held_with_photo(project, people, tiny_png)
    tiny_png.seek(0)
    _, other = _held_with_photo(project, people, tiny_png)
    with pytest.raises(ValidationError, match="不属于这场活动"):
        photo_publish(session=session, photo=other, by=people.secretary, consent=True)


def test_the_database_refuses_a_public_photo_without_consent(org, people, tiny_png):
    from django.db import IntegrityError, transaction

    project = running(org, people)
    _, photo = _held_with_photo(project, people, tiny_png)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityPhoto.objects.filter(pk=photo.pk).update(public=True)


# --- the pages ------------------------------------------------------------------------------------
def test_schedule_hold_and_publish_through_the_pages(client, org, people, tiny_png):
    project = running(org, people, status=Status.ANNOUNCED)
    partner = f.PartnerFactory(community=org.guoao, name="国奥物业")
    line = project.budget_lines.get()
    client.force_login(people.secretary)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "安排一场活动" in page and "安排系列活动" in page
    response = client.post(
        f"/projects/{project.pk}/sessions/new/",
        {"once": f.once(), "title": "百家宴", "date": TODAY.isoformat(), "place": "广场"},
    )
    assert response.status_code == 302
    session = project.activities.get()
    response = client.post(
        f"/projects/sessions/{session.pk}/hold/",
        {
            "participants": "60",
            "partner_0": str(partner.pk),
            "hours_0": "3",
            "line_0": str(line.pk),
            "amount_0": "200",
            "photo": [tiny_png],
            "note": "居民带菜",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.status == Activity.Status.HELD and session.volunteers == 1
    photo = session.photos.get()
    page = client.get(session.get_absolute_url()).content.decode()
    assert "国奥物业:3.0 小时" in page and f"/files/{photo.upload.uuid}/" in page
    assert client.get(f"/files/{photo.upload.uuid}/").status_code == 200
    response = client.post(
        f"/projects/sessions/{session.pk}/photos/publish/",
        {"photo_id": str(photo.pk), "consent": "on"},
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.public
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS


def test_the_next_step_is_the_programme_and_a_one_off_record_is_a_side_link(client, org, people):
    project = running(org, people, status=Status.ANNOUNCED)
    client.force_login(people.secretary)
    page = client.get(project.get_absolute_url()).content.decode()
    actions = page[page.index('id="h-actions"') : page.index("</section>")]
    assert f"/projects/{project.pk}/sessions/new/" in actions and "安排下一场活动" in actions
    assert "/activities/new/" not in actions and "记录举办情况" not in actions
    side = page[page.index('id="unplanned"') :]
    assert f"/projects/{project.pk}/activities/new/" in side and "补记一场未安排的活动" in side
    yesterday = schedule(project, people, TODAY - datetime.timedelta(days=1), title="手工课")
    actions = client.get(project.get_absolute_url()).content.decode()
    actions = actions[actions.index('id="h-actions"') :]
    assert f'href="/projects/sessions/{yesterday.pk}/hold/" id="next-hold"' in actions
    assert "记录举办情况:" in actions and "手工课" in actions


def test_the_volunteer_picker_tells_partners_of_one_name_apart(org, people):
    from partners.models import Partner
    from projects.session_forms import HoldForm

    project = running(org, people)
    session = schedule(project, people)
    shop = {
        "community": org.guoao,
        "name": "国奥超市",
        "category_id": Partner.Category.MERCHANT.value,
    }
    fruit = f.PartnerFactory(**shop, skills="提供水果")
    drinks = f.PartnerFactory(**shop, skills="提供饮料")
    twin = f.PartnerFactory(**shop, skills="提供饮料")
    labels = dict(HoldForm(session=session).fields["partner_0"].choices)
    assert labels[fruit.pk] == "国奥超市(周边商户 · 提供水果)"
    assert labels[drinks.pk] == f"国奥超市(周边商户 · 提供饮料) 编号 {drinks.pk}"
    assert labels[twin.pk] == f"国奥超市(周边商户 · 提供饮料) 编号 {twin.pk}"


def test_a_series_through_its_page(client, org, people):
    project = running(org, people)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/series/new/",
        {
            "once": f.once(),
            "title": "百家宴",
            "recurrence": "monthly",
            "first_date": TODAY.isoformat(),
            "place": "广场",
            "starts_at": "11:00",
            "ends_at": "13:00",
        },
    )
    assert response.status_code == 302
    series = ActivitySeries.objects.get(project=project)
    assert series.sessions.count() == 13
    assert client.get(f"/projects/{project.pk}/sessions/").status_code == 200


@pytest.mark.parametrize(
    "end_in, until_in, says",
    [
        (20, None, "受项目结束日期 {end} 限制,只安排到 {last}"),
        (900, None, "系统最多提前 12 个月安排,只安排到 {last}"),
        (900, 15, ""),
    ],
)
def test_the_series_message_says_why_it_stopped_where_it_did(
    client, org, people, end_in, until_in, says
):
    project = running(org, people)
    project.end_date = TODAY + datetime.timedelta(days=end_in)
    project.save(update_fields=["end_date"])
    client.force_login(people.secretary)
    data = {
        "once": f.once(),
        "title": "健步走",
        "recurrence": "weekly",
        "first_date": TODAY.isoformat(),
        "place": "步道",
    }
    if until_in:
        data["until"] = (TODAY + datetime.timedelta(days=until_in)).isoformat()
    response = client.post(f"/projects/{project.pk}/series/new/", data, follow=True)
    last = ActivitySeries.objects.get(project=project).sessions.order_by("date").last().date
    message = [str(m) for m in response.context["messages"]][0]
    assert message.startswith("系列活动“健步走”已安排 ")
    if says:
        assert says.format(end=f"{project.end_date:%Y-%m-%d}", last=f"{last:%Y-%m-%d}") in message
    else:
        assert message.endswith("场。")


def test_milestones_show_progress_from_their_sessions(client, org, people):
    project = running(org, people)
    done = Milestone.objects.create(
        project=project, date=TODAY, title="首场百家宴", responsible="王"
    )
    planned = Milestone.objects.create(
        project=project, date=TODAY, title="中秋团圆宴", responsible="王"
    )
    held = session_schedule(
        project=project,
        by=people.secretary,
        data={"title": "首场", "date": TODAY, "place": "广场"},
        milestone=done,
    )
    session_hold(session=held, by=people.secretary, data={"participants": 9})
    session_schedule(
        project=project,
        by=people.secretary,
        data={"title": "中秋", "date": TODAY + datetime.timedelta(days=9), "place": "广场"},
        milestone=planned,
    )
    client.force_login(people.secretary)
    page = client.get(project.get_absolute_url()).content.decode()
    progress = page[page.index('id="milestone-progress"') :]
    assert "已完成</span>\n      " in progress.split("首场百家宴")[0]
    assert "已举办 1 场 · 待举办 0 场" in progress.split("中秋团圆宴")[0]
    assert "已安排</span>" in progress.split("中秋团圆宴")[0].split("首场百家宴")[1]
    # Held once and planned again: under way, not done.
    session_schedule(
        project=project,
        by=people.secretary,
        data={"title": "补场", "date": TODAY + datetime.timedelta(days=3), "place": "广场"},
        milestone=done,
    )
    page = client.get(project.get_absolute_url()).content.decode()
    progress = page[page.index('id="milestone-progress"') :].split("首场百家宴")
    assert "进行中</span>" in progress[0] and "已举办 1 场 · 待举办 1 场" in progress[1]


def _sessions(project, people, n):
    Activity.objects.bulk_create(
        Activity(
            project=project,
            title=f"第{i}场",
            date=TODAY + datetime.timedelta(days=(i % 20) - 5),
            place="广场",
            status=Activity.Status.HELD if i % 3 else Activity.Status.SCHEDULED,
            participants=10,
            spending=5,
            funding_source="street",
            created_by=people.secretary,
        )
        for i in range(n)
    )


def _measure(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    context = response.context
    rows = {}
    if "programme" in context:
        rows = {
            "upcoming": len(context["programme"].upcoming),
            "past": len(context["programme"].past),
        }
    if "page" in context:
        rows["page"] = len(list(context["page"].object_list))
    return len(captured.captured_queries), rows


def test_the_project_page_and_the_session_list_stay_constant_in_sessions(client, org, people):
    project = running(org, people)
    session = schedule(project, people)
    client.force_login(people.secretary)
    paths = [
        project.get_absolute_url(),
        f"/projects/{project.pk}/sessions/",
        session.get_absolute_url(),
    ]
    _sessions(project, people, 30)
    before = {path: _measure(client, path) for path in paths}
    _sessions(project, people, 300)
    after = {path: _measure(client, path) for path in paths}
    assert after == before
    queries, rows = before[project.get_absolute_url()]
    assert rows == {"upcoming": 5, "past": 5}
    assert before[session.get_absolute_url()][0] <= 10
    # The list reads the project alone, never what the project page prefetches.
    assert before[f"/projects/{project.pk}/sessions/"][0] <= 8


def test_log_activity_still_records_a_held_session(org, people):
    from projects import services

    project = running(org, people)
    activity = services.activity_log(
        project=project,
        by=people.secretary,
        data={"date": TODAY, "place": "广场", "participants": 5},
    )
    assert activity.status == Activity.Status.HELD
    assert SESSION_WORKFLOW.available(people.secretary, activity)["correct"]


def test_the_project_page_shows_money_spent_in_yuan_and_fen(client, org, people):
    """A sum of decimals can come back from the database with many digits (SQLite: 7265.81000000000
    on 国奥社区's 邻居节); the page shows two."""
    project = running(org, people)
    street_line = project.budget_lines.get()
    for amount in ("0.10", "0.20", "1000.11"):
        session_hold(
            session=schedule(project, people),
            by=people.secretary,
            data={"participants": 10},
            spending=[(street_line, Decimal(amount))],
        )
    client.force_login(people.secretary)
    page = client.get(project.get_absolute_url()).content.decode()
    assert '<td class="text-end">1000.41</td>' in page
    assert "1000.4100" not in page
