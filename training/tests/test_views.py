"""The training pages of sessions, through the views: each page as each person sees it, the buttons
of a session (confirm, leave, rate, record attendance, cancel, upload material, edit) and a
quarterly session planned, end to end; refusals come back as 403, 404, 409 or 422 with the reason
in Chinese and nothing saved."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification, Upload
from tests import factories as f
from training import services
from training.models import Attendance, Kind, Material, Reply, Session, SessionStatus
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohorts(org):
    return tf.cohorts(org.district)


@pytest.fixture
def cohort(cohorts):
    return cohorts[0]


@pytest.fixture
def teacher(org, people):
    """Street B's expert on the mentor panel, teaching the class."""
    return tf.mentor(people.mentor, org.district, by=people.district)


@pytest.fixture
def klass(org, people, cohort, teacher):
    """A class of cohort one a week ahead for 国奥's and 海韵's secretaries."""
    return tf.session(
        org.district,
        by=people.district,
        cohort=cohort,
        mentor=teacher,
        title="物业管理实务",
        people=[people.secretary, people.secretary_haiyun],
    )


@pytest.fixture
def past_class(org, people, cohort, teacher):
    """A class of the same people that began an hour ago, not yet recorded."""
    return tf.session(
        org.district,
        by=people.district,
        cohort=cohort,
        mentor=teacher,
        title="矛盾纠纷化解",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        people=[people.secretary, people.secretary_haiyun],
    )


def _as(client, user):
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _mine(session, user) -> Attendance:
    return Attendance.objects.get(session=session, user=user)


def _url(session, action="") -> str:
    return f"/training/sessions/{session.pk}/{action + '/' if action else ''}"


# --- pages ------------------------------------------------------------------------------------------
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


def test_the_streets_group_sees_its_own_secretaries_only(client, org, people, cohort, klass):
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
    client, people, cohort, klass, teacher
):
    tf.trainee(cohort, people.secretary)
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


# --- a secretary's reply ------------------------------------------------------------------------------
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


# --- attendance, then ratings -------------------------------------------------------------------------
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


# --- the district's buttons -----------------------------------------------------------------------------
def test_district_cancels_a_session_and_the_invited_hear_of_it(client, people, klass):
    response = _as(client, people.district).post(_url(klass, "cancel"))

    assert response.status_code == 302 and "培训已取消,学员会收到通知。" in _said(response)
    klass.refresh_from_db()
    assert klass.status == SessionStatus.CANCELLED
    told = Notification.objects.filter(event="training.session_cancelled")
    assert set(told.values_list("recipient", flat=True)) == {
        people.secretary.pk,
        people.secretary_haiyun.pk,
    }


def test_a_secretary_may_not_cancel(client, people, klass):
    assert _as(client, people.secretary).post(_url(klass, "cancel")).status_code == 403
    klass.refresh_from_db()
    assert klass.status == SessionStatus.PLANNED


def test_a_held_session_is_not_cancelled(client, people, past_class):
    past_class.status = SessionStatus.HELD
    past_class.save(update_fields=["status"])

    response = _as(client, people.district).post(_url(past_class, "cancel"))

    assert response.status_code == 409
    assert "当前状态为“已举办”,不能取消" in response.content.decode()
    past_class.refresh_from_db()
    assert past_class.status == SessionStatus.HELD


def test_district_uploads_a_pdf_material(client, people, klass):
    pdf = SimpleUploadedFile("课件.pdf", tf.PDF, content_type="application/pdf")

    response = _as(client, people.district).post(
        _url(klass, "materials"), {"title": "物业管理条例解读", "file": pdf}
    )

    assert response.status_code == 302 and "材料已上传。" in _said(response)
    material = Material.objects.get(session=klass)
    assert (
        material.title == "物业管理条例解读" and material.upload.content_type == "application/pdf"
    )
    page = _as(client, people.secretary).get(_url(klass)).content.decode()
    assert "物业管理条例解读" in page and str(material.upload.uuid) in page


def test_a_file_that_is_no_document_is_refused_and_nothing_stored(client, people, klass):
    fake = SimpleUploadedFile("课件.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = _as(client, people.district).post(
        _url(klass, "materials"), {"title": "课件", "file": fake}
    )

    assert response.status_code == 422
    assert "文档只接受 PDF" in response.content.decode()
    assert not Material.objects.exists() and not Upload.objects.exists()


def test_a_secretary_may_not_upload(client, people, klass):
    pdf = SimpleUploadedFile("课件.pdf", tf.PDF, content_type="application/pdf")

    response = _as(client, people.secretary).post(_url(klass, "materials"), {"file": pdf})

    assert response.status_code == 403
    assert not Material.objects.exists() and not Upload.objects.exists()


def _form(session, **changes) -> dict:
    when = timezone.localtime(session.starts_at)
    return {
        "title": session.title,
        "topic": session.topic,
        "starts_at": f"{when:%Y-%m-%dT%H:%M}",
        "ends_at": f"{timezone.localtime(session.ends_at):%Y-%m-%dT%H:%M}",
        "place": session.place,
        "online_url": "",
        "trainer": session.trainer,
        "mentor": session.mentor_id or "",
        "description": "",
        **changes,
    }


def test_district_moves_a_class_to_another_room_and_the_invited_hear_of_it(client, people, klass):
    form = _as(client, people.district).get(_url(klass, "edit"))
    assert form.status_code == 200 and "修改培训安排" in form.content.decode()

    response = client.post(_url(klass, "edit"), _form(klass, place="街道党群服务中心二楼"))

    assert response.status_code == 302
    klass.refresh_from_db()
    assert klass.place == "街道党群服务中心二楼"
    assert Notification.objects.filter(event="training.session_changed").count() == 2


def test_an_edit_ending_before_it_starts_is_refused(client, people, klass):
    before = _form(klass)

    response = _as(client, people.district).post(
        _url(klass, "edit"), {**before, "ends_at": before["starts_at"], "place": "别处"}
    )

    assert response.status_code == 422
    assert "结束时间须晚于开始时间。" in response.content.decode()
    klass.refresh_from_db()
    assert klass.place == "区党群服务中心301"


def test_a_held_session_is_no_longer_edited(client, people, past_class):
    past_class.status = SessionStatus.HELD
    past_class.save(update_fields=["status"])

    shown = _as(client, people.district).get(_url(past_class, "edit"))
    assert shown.status_code == 302 and shown["Location"] == _url(past_class)
    assert any("不能修改" in m for m in _said(shown))
    posted = client.post(_url(past_class, "edit"), _form(past_class, place="别处"))
    assert posted.status_code == 409
    past_class.refresh_from_db()
    assert past_class.place == "区党群服务中心301"


# --- quarterly sessions -------------------------------------------------------------------------------------
def _quarterly(day: datetime.date, **changes) -> dict:
    return {
        "once": f.once(),
        "title": "季度专题培训:居民自治",
        "topic": "self_gov",
        "starts_at": f"{day:%Y-%m-%d}T14:00",
        "ends_at": f"{day:%Y-%m-%d}T16:30",
        "place": "区委党校报告厅",
        "online_url": "",
        "trainer": "王教授",
        "mentor": "",
        "description": "",
        **changes,
    }


def test_district_plans_a_quarterly_session_for_everybody_in_the_rotation(
    client, org, people, cohort
):
    for user, community in (
        (people.secretary, org.guoao),
        (people.secretary_haiyun, org.haiyun),
        (people.secretary2, org.yuehai),
    ):
        tf.trainee(cohort, user, community)
    day = timezone.localdate() + datetime.timedelta(days=20)

    response = _as(client, people.district).post("/training/sessions/new/", _quarterly(day))

    session = Session.objects.get(kind=Kind.QUARTERLY)
    assert response.status_code == 302 and response["Location"] == _url(session)
    assert "季度专题培训已安排,已通知 3 位学员。" in _said(response)
    assert session.attendances.count() == 3 and session.cohort is None
    assert Notification.objects.filter(event="training.invited").count() == 3


def test_a_quarterly_session_without_place_or_link_is_refused(client, people):
    day = timezone.localdate() + datetime.timedelta(days=20)

    response = _as(client, people.district).post(
        "/training/sessions/new/", _quarterly(day, place="")
    )

    assert response.status_code == 422
    assert "请填写培训地点或线上参加链接。" in response.content.decode()
    assert not Session.objects.exists()


def test_a_quarterly_session_in_year_one_is_refused(client, people):
    response = _as(client, people.district).post(
        "/training/sessions/new/",
        _quarterly(datetime.date(2026, 12, 20), starts_at="0001-01-01T09:00"),
    )

    assert response.status_code == 422
    assert "2000 年至 2099 年" in response.content.decode()
    assert not Session.objects.exists()


def test_a_secretary_may_not_plan_a_quarterly_session(client, people):
    day = timezone.localdate() + datetime.timedelta(days=20)
    assert _as(client, people.secretary).get("/training/sessions/new/").status_code == 403
    assert client.post("/training/sessions/new/", _quarterly(day)).status_code == 403
    assert not Session.objects.exists()
