"""The district's buttons on a session, through the views: cancel, upload a material, edit the
time and place, and plan a quarterly session for everybody in the rotation; refusals answer 403,
409 or 422 with the reason in Chinese and save nothing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification, Upload
from tests import factories as f
from training.models import Kind, Material, Session, SessionStatus
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(session, action="") -> str:
    return f"/training/sessions/{session.pk}/{action + '/' if action else ''}"


# --- the district's buttons -----------------------------------------------------------------------
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


# --- quarterly sessions ---------------------------------------------------------------------------
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


def test_the_quarterly_form_opens_for_the_district(client, people):
    page = _as(client, people.district).get("/training/sessions/new/").content.decode()

    assert "安排季度专题培训" in page and 'value="季度专题培训"' in page


def test_district_plans_a_quarterly_session_for_everybody_in_the_rotation(
    client, org, people, cohorts
):
    for user, community in (
        (people.secretary, org.guoao),
        (people.secretary_haiyun, org.haiyun),
        (people.secretary2, org.yuehai),
    ):
        tf.trainee(cohorts[0], user, community)
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
