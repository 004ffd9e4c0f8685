"""The mentor panel and consultations through the views: the district adds and edits mentors and
pairs them with secretaries; a secretary asks, the mentor answers, she follows up and closes;
nobody else reads the thread. Refusals answer 403, 404, 409 or 422 with the reason, and save
nothing. 一项目一方案 is in test_views_coaching.py."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification
from tests import factories as f
from training import services
from training.models import (
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Mentor,
    Pairing,
)
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor(org, people):
    """Street B's expert on the panel."""
    return tf.mentor(people.mentor, org.district, by=people.district)


@pytest.fixture
def paired(people, mentor):
    return tf.pairing(mentor, people.secretary, by=people.district)


@pytest.fixture
def thread(people, mentor, paired):
    return services.consultation_open(
        by=people.secretary, mentor=mentor, subject="业委会换届怎么组织", text="请导师指点。"
    )


def _as(client, user):
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _pdf(name="方案.pdf"):
    return SimpleUploadedFile(name, tf.PDF, content_type="application/pdf")


# --- the panel ------------------------------------------------------------------------------------
def test_district_adds_a_staff_member_to_the_panel(client, people):
    form = _as(client, people.district).get("/training/mentors/new/").content.decode()
    assert str(people.expert) in form

    response = client.post(
        "/training/mentors/new/",
        {
            "once": f.once(),
            "user": people.expert.pk,
            "kind": "professional",
            "organisation": "市物业协会",
            "expertise": "物业管理",
            "bio": "",
        },
    )

    added = Mentor.objects.get(user=people.expert)
    assert response.status_code == 302 and response["Location"] == f"/training/mentors/{added.pk}/"
    assert f"{people.expert}已加入导师团。" in _said(response)
    assert Notification.objects.get(event="training.mentor_added").recipient == people.expert
    listed = client.get("/training/mentors/").content.decode()
    assert "市物业协会" in listed and "专业人士" in listed


def test_a_residents_account_is_no_mentor(client, people):
    response = _as(client, people.district).post(
        "/training/mentors/new/",
        {
            "once": f.once(),
            "user": people.resident.pk,
            "kind": "scholar",
            "organisation": "某大学",
            "expertise": "社区治理",
        },
    )

    assert response.status_code == 422
    assert "选择一个有效的选项" in response.content.decode()
    assert not Mentor.objects.exists()


def test_only_district_staff_keep_the_panel(client, people, mentor):
    assert _as(client, people.street).get("/training/mentors/new/").status_code == 403
    assert client.get(f"/training/mentors/{mentor.pk}/edit/").status_code == 403
    assert client.get(f"/training/mentors/{mentor.pk}/").status_code == 200  # reads it


def test_the_edit_form_shows_the_mentors_details(client, people, mentor):
    page = _as(client, people.district).get(f"/training/mentors/{mentor.pk}/edit/")

    assert page.status_code == 200
    assert "修改导师信息" in page.content.decode() and 'value="青岛大学"' in page.content.decode()


def test_a_mentor_who_leaves_the_panel_ends_his_pairings(client, people, mentor, paired):
    response = _as(client, people.district).post(
        f"/training/mentors/{mentor.pk}/edit/",
        {"kind": "scholar", "organisation": "青岛大学", "expertise": "物业管理", "bio": ""},
    )

    assert response.status_code == 302 and "导师信息已保存。" in _said(response)
    mentor.refresh_from_db()
    paired.refresh_from_db()
    assert mentor.active is False and paired.ended_on == timezone.localdate()
    page = client.get(f"/training/mentors/{mentor.pk}/").content.decode()
    assert "已离任" in page


def test_district_pairs_a_secretary_and_ends_the_pairing(client, people, mentor):
    page = _as(client, people.district).get(f"/training/mentors/{mentor.pk}/").content.decode()
    assert "结对的社区书记" in page and str(people.secretary) in page  # offered

    response = client.post(f"/training/mentors/{mentor.pk}/pair/", {"mentee": people.secretary.pk})

    assert response.status_code == 302 and "已结对,双方都会收到通知。" in _said(response)
    pairing = Pairing.objects.get(mentor=mentor, mentee=people.secretary)
    assert Notification.objects.filter(event="training.paired").count() == 2
    ended = client.post(f"/training/pairings/{pairing.pk}/end/")
    assert ended.status_code == 302 and "结对已结束。" in _said(ended)
    pairing.refresh_from_db()
    assert pairing.ended_on == timezone.localdate()
    again = client.post(f"/training/pairings/{pairing.pk}/end/")
    assert again.status_code == 409 and "该结对已经结束。" in again.content.decode()


def test_a_secretary_paired_already_is_not_paired_twice(client, people, mentor, paired):
    response = _as(client, people.district).post(
        f"/training/mentors/{mentor.pk}/pair/", {"mentee": people.secretary.pk}
    )

    assert response.status_code == 422
    assert Pairing.objects.count() == 1


def test_a_worker_is_not_paired(client, people, mentor):
    response = _as(client, people.district).post(
        f"/training/mentors/{mentor.pk}/pair/", {"mentee": people.worker.pk}
    )

    assert response.status_code == 422 and not Pairing.objects.exists()


def test_only_district_staff_pair(client, people, mentor):
    response = _as(client, people.street).post(
        f"/training/mentors/{mentor.pk}/pair/", {"mentee": people.secretary.pk}
    )

    assert response.status_code == 403 and not Pairing.objects.exists()


# --- consultations --------------------------------------------------------------------------------
def test_a_paired_secretary_asks_her_mentor(client, people, mentor, paired):
    form = _as(client, people.secretary).get(f"/training/consultations/new/?mentor={mentor.pk}")
    assert form.status_code == 200 and "青岛大学" in form.content.decode()

    response = client.post(
        "/training/consultations/new/",
        {"once": f.once(), "mentor": mentor.pk, "subject": "楼道堆物", "text": "老人不愿清理。"},
    )

    consultation = Consultation.objects.get()
    assert response["Location"] == f"/training/consultations/{consultation.pk}/"
    assert "咨询已发给导师,导师答复后您会收到通知。" in _said(response)
    assert (consultation.asker, consultation.status) == (
        people.secretary,
        ConsultationStatus.WAITING,
    )
    assert Notification.objects.get(event="training.consultation_asked").recipient == people.mentor


def test_a_secretary_without_a_mentor_is_told_so(client, people, mentor):
    page = _as(client, people.secretary).get("/training/consultations/new/").content.decode()
    assert "您还没有结对的导师" in page

    response = client.post(
        "/training/consultations/new/",
        {"once": f.once(), "mentor": mentor.pk, "subject": "楼道堆物", "text": "老人不愿清理。"},
    )

    assert response.status_code == 422 and not Consultation.objects.exists()


def test_each_person_lists_the_threads_they_are_in(client, people, thread):
    for user in (people.secretary, people.mentor, people.district):
        page = _as(client, user).get("/training/consultations/").content.decode()
        assert "业委会换届怎么组织" in page and "共 1 个咨询" in page
    other = _as(client, people.secretary_haiyun).get("/training/consultations/").content.decode()
    assert "业委会换届怎么组织" not in other and "没有咨询" in other
    closed = _as(client, people.secretary).get("/training/consultations/?status=closed")
    assert "业委会换届怎么组织" not in closed.content.decode()


def test_the_mentor_answers_the_secretary_follows_up_and_closes(client, people, thread):
    url = f"/training/consultations/{thread.pk}/"
    page = _as(client, people.mentor).get(url).content.decode()
    assert "请导师指点。" in page and "答复" in page

    answered = client.post(url + "reply/", {"once": f.once(), "text": "先开楼长会。"})

    assert answered.status_code == 302 and "留言已发送。" in _said(answered)
    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.ANSWERED
    assert Notification.objects.get(event="training.consultation_answered").recipient == (
        people.secretary
    )
    assert client.post(url + "close/").status_code == 403  # the mentor does not close it

    followed = _as(client, people.secretary).post(
        url + "reply/", {"once": f.once(), "text": "楼长会开过了,还是不行。"}
    )
    assert followed.status_code == 302
    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.WAITING
    closed = client.post(url + "close/")
    assert closed.status_code == 302 and "咨询已结束。" in _said(closed)
    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.CLOSED
    assert [m.author for m in thread.messages.order_by("created_at", "id")] == [
        people.secretary,
        people.mentor,
        people.secretary,
    ]
    late = client.post(url + "reply/", {"once": f.once(), "text": "还有一个问题"})
    assert late.status_code == 409
    assert "当前状态为“已结束”" in late.content.decode()
    assert ConsultationMessage.objects.filter(consultation=thread).count() == 3


def test_an_empty_message_is_refused(client, people, thread):
    response = _as(client, people.mentor).post(
        f"/training/consultations/{thread.pk}/reply/", {"once": f.once(), "text": ""}
    )

    assert response.status_code == 422
    assert ConsultationMessage.objects.filter(consultation=thread).count() == 1


def test_another_secretary_gets_404_on_the_thread(client, people, thread):
    for url in ("", "reply/", "close/"):
        full = f"/training/consultations/{thread.pk}/{url}"
        answer = _as(client, people.secretary_haiyun)
        response = (
            answer.post(full, {"once": f.once(), "text": "偷看"}) if url else answer.get(full)
        )
        assert response.status_code == 404
    thread.refresh_from_db()
    assert thread.status == ConsultationStatus.WAITING
    assert ConsultationMessage.objects.filter(consultation=thread).count() == 1


def test_district_staff_read_every_thread_but_do_not_answer(client, people, thread):
    url = f"/training/consultations/{thread.pk}/"
    assert "业委会换届怎么组织" in _as(client, people.district).get(url).content.decode()

    response = client.post(url + "reply/", {"once": f.once(), "text": "区里答复"})

    assert response.status_code == 403
    assert ConsultationMessage.objects.filter(consultation=thread).count() == 1


def test_the_streets_group_does_not_open_consultations(client, people, thread):
    assert _as(client, people.street).get("/training/consultations/").status_code == 403
    assert client.get(f"/training/consultations/{thread.pk}/").status_code == 403
