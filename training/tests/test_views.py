"""The training pages of sessions, through the views: each page as each person sees it, a
secretary's reply (confirm, leave with a reason), attendance recorded by the district or the
teaching mentor and the ratings of those present; refusals come back as 403, 404 or 422 with the
reason in Chinese, and nothing saved. The district's buttons are in test_views_planning.py."""

import pytest
from django.contrib.messages import get_messages

from training import services
from training.models import Attendance, Reply, SessionStatus
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _mine(session, user) -> Attendance:
    return Attendance.objects.get(session=session, user=user)


def _url(session, action="") -> str:
    return f"/training/sessions/{session.pk}/{action + '/' if action else ''}"


# --- pages ----------------------------------------------------------------------------------------
def test_secretary_sees_her_class_with_her_reply_and_not_the_others(client, people, klass):
    response = _as(client, people.secretary).get(_url(klass))

    page = response.content.decode()
    assert response.status_code == 200
    assert "物业管理实务" in page and "我的参训情况" in page
    assert "确认参加" in page and "提交请假" in page
    assert str(people.secretary_haiyun) not in page  # another community's secretary
    assert "修改安排" not in page and "取消培训" not in page and "上传材料" not in page


def test_district_sees_the_whole_roster_and_the_planners_buttons(client, people, klass):
    page = _as(client, people.district).get(_url(klass)).content.decode()

    assert str(people.secretary) in page and str(people.secretary_haiyun) in page
    assert "学员</dt><dd" in page and "2 人" in page
    assert "修改安排" in page and "取消培训" in page and "上传材料" in page
    assert "我的参训情况" not in page


def test_the_streets_group_sees_its_own_secretaries_only(client, org, people, klass):
    tf.invite(klass, people.secretary2)  # 悦海: street B

    page = _as(client, people.street).get(_url(klass)).content.decode()

    assert "学员名单(本街道)" in page
    assert str(people.secretary) in page and str(people.secretary_haiyun) in page
    assert str(people.secretary2) not in page
    assert "取消培训" not in page


def test_the_teaching_mentor_sees_the_roster_and_may_upload_but_not_cancel(client, people, klass):
    page = _as(client, people.mentor).get(_url(klass)).content.decode()

    assert str(people.secretary) in page and "上传材料" in page
    assert "取消培训" not in page and "修改安排" not in page


def test_a_secretary_gets_404_on_a_class_of_another_cohort(client, org, people, cohorts, klass):
    other = tf.session(
        org.district, by=people.district, cohort=cohorts[1], people=[people.secretary2]
    )

    assert _as(client, people.secretary).get(_url(other)).status_code == 404
    assert client.get(_url(klass)).status_code == 200


def test_the_quarterly_session_is_open_to_every_staff_member(client, org, people):
    quarterly = tf.session(org.district, by=people.district, title="季度专题", people=[])

    for user in (people.worker, people.street_b, people.judge_unassigned, people.secretary2):
        assert _as(client, user).get(_url(quarterly)).status_code == 200
    assert _as(client, people.resident).get(_url(quarterly)).status_code == 403


def test_the_session_list_shows_what_each_person_sees(client, org, people, klass):
    quarterly = tf.session(org.district, by=people.district, title="季度专题培训·居民自治")
    tf.session(
        org.district,
        by=people.district,
        cohort=klass.cohort,
        title="悦海社区专场",
        people=[people.secretary2],
    )

    page = _as(client, people.secretary).get("/training/sessions/").content.decode()

    assert klass.title in page and quarterly.title in page
    assert "悦海社区专场" not in page
    rows = client.get("/training/sessions/?kind=quarterly", headers={"HX-Request": "true"})
    fragment = rows.content.decode()
    assert quarterly.title in fragment and klass.title not in fragment
    assert "<h1" not in fragment  # the #rows partial, not the page


def test_home_shows_a_secretary_her_next_class_and_the_mentor_his_desk(
    client, people, cohorts, klass, teacher
):
    tf.trainee(cohorts[0], people.secretary)
    tf.pairing(teacher, people.secretary, by=people.district)
    services.consultation_open(
        by=people.secretary, mentor=teacher, subject="业委会换届怎么组织", text="请指点。"
    )

    mine = _as(client, people.secretary).get("/training/").content.decode()
    assert "我的下一次培训" in mine and klass.title in mine
    assert str(teacher) in mine and "业委会换届怎么组织" in mine

    desk = _as(client, people.mentor).get("/training/").content.decode()
    assert "导师工作台" in desk and "业委会换届怎么组织" in desk and klass.title in desk
    assert "我的下一次培训" not in desk

    planner = _as(client, people.district).get("/training/").content.decode()
    assert "出勤率" in planner and "安排季度专题培训" in planner


# --- a secretary's reply --------------------------------------------------------------------------
def test_secretary_confirms_her_place(client, people, klass):
    response = _as(client, people.secretary).post(_url(klass, "confirm"))

    assert response.status_code == 302 and response["Location"] == _url(klass)
    assert "已确认参加,培训前一天会提醒您。" in _said(response)
    assert _mine(klass, people.secretary).reply == Reply.CONFIRMED


def test_secretary_asks_for_leave_with_a_reason(client, people, klass):
    response = _as(client, people.secretary).post(
        _url(klass, "leave"), {"leave_reason": "社区有防汛任务"}
    )

    assert response.status_code == 302
    mine = _mine(klass, people.secretary)
    assert (mine.reply, mine.leave_reason) == (Reply.LEAVE, "社区有防汛任务")


def test_leave_without_a_reason_is_refused_and_nothing_changes(client, people, klass):
    response = _as(client, people.secretary).post(_url(klass, "leave"), {"leave_reason": " "})

    assert response.status_code == 422
    assert "请假事由" in response.content.decode()
    assert _mine(klass, people.secretary).reply == Reply.PENDING


def test_nobody_replies_for_another_person(client, people, klass):
    response = _as(client, people.district).post(_url(klass, "confirm"))

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert not Attendance.objects.filter(session=klass).exclude(reply=Reply.PENDING).exists()


def test_no_reply_once_the_session_began(client, people, past_class):
    response = _as(client, people.secretary).post(_url(past_class, "confirm"))

    assert response.status_code == 422
    assert "培训已经开始,不能再回复。" in response.content.decode()
    assert _mine(past_class, people.secretary).reply == Reply.PENDING


# --- attendance, then ratings ---------------------------------------------------------------------
def test_district_records_who_came_and_the_present_rate_it(client, people, past_class):
    came = _mine(past_class, people.secretary)
    page = _as(client, people.district).get(_url(past_class, "attendance"))
    assert page.status_code == 200 and str(people.secretary_haiyun) in page.content.decode()

    recorded = client.post(_url(past_class, "attendance"), {"present": [came.pk]})

    assert recorded.status_code == 302 and "出勤已登记。" in _said(recorded)
    past_class.refresh_from_db()
    assert past_class.status == SessionStatus.HELD
    assert _mine(past_class, people.secretary).present is True
    assert _mine(past_class, people.secretary_haiyun).present is False

    rated = _as(client, people.secretary).post(
        _url(past_class, "rate"), {"rating": "5", "comment": "案例很实用"}
    )
    assert rated.status_code == 302 and "谢谢您的评价。" in _said(rated)
    mine = _mine(past_class, people.secretary)
    assert (mine.rating, mine.comment) == (5, "案例很实用") and mine.rated_at is not None
    feedback = _as(client, people.district).get(_url(past_class)).content.decode()
    assert "学员评价" in feedback and "案例很实用" in feedback and "5.0" in feedback


def test_the_teaching_mentor_records_attendance_too(client, people, past_class):
    response = _as(client, people.mentor).post(_url(past_class, "attendance"), {"present": []})

    assert response.status_code == 302
    assert set(Attendance.objects.filter(session=past_class).values_list("present", flat=True)) == {
        False
    }


def test_a_secretary_may_not_record_attendance(client, people, past_class):
    assert _as(client, people.secretary).get(_url(past_class, "attendance")).status_code == 403
    response = client.post(_url(past_class, "attendance"), {"present": []})
    assert response.status_code == 403
    past_class.refresh_from_db()
    assert past_class.status == SessionStatus.PLANNED


def test_attendance_is_not_recorded_before_the_session_starts(client, people, klass):
    came = _mine(klass, people.secretary)

    response = _as(client, people.district).post(_url(klass, "attendance"), {"present": [came.pk]})

    assert response.status_code == 422
    assert "培训开始之后才能登记出勤。" in response.content.decode()
    klass.refresh_from_db()
    assert klass.status == SessionStatus.PLANNED
    assert not Attendance.objects.filter(session=klass, present__isnull=False).exists()


def test_someone_else_ticked_as_present_is_refused(client, org, people, past_class, klass):
    stranger = _mine(klass, people.secretary)  # a row of another session

    response = _as(client, people.district).post(
        _url(past_class, "attendance"), {"present": [stranger.pk]}
    )

    assert response.status_code == 422
    assert not Attendance.objects.filter(present__isnull=False).exists()


def test_a_secretary_not_recorded_present_may_not_rate(client, people, past_class):
    response = _as(client, people.secretary).post(_url(past_class, "rate"), {"rating": "4"})

    assert response.status_code == 422
    assert "只有登记为出席的学员才能评价本次培训。" in response.content.decode()
    assert _mine(past_class, people.secretary).rating is None


def test_a_rating_outside_one_to_five_is_refused(client, people, past_class):
    Attendance.objects.filter(session=past_class).update(present=True)

    response = _as(client, people.secretary).post(_url(past_class, "rate"), {"rating": "9"})

    assert response.status_code == 422
    assert _mine(past_class, people.secretary).rating is None
