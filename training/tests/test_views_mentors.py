"""The mentor panel, consultations and 一项目一方案 through the views: the district adds and edits
mentors and pairs them with secretaries; a secretary asks, the mentor answers, she follows up and
closes; a project's street attaches a mentor from the project page, the mentor writes notes and
the plan (with or without a file) and the coaching ends, all of it on the project's page.
Refusals answer 403, 404, 409 or 422 with the reason, and save nothing."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification, Upload
from projects.models import ProjectEvent
from tests import factories as f
from training import services
from training.models import (
    Coaching,
    CoachingNote,
    CoachingStatus,
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


# --- the panel -----------------------------------------------------------------------------------
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

    response = client.post(
        f"/training/mentors/{mentor.pk}/pair/", {"secretary": people.secretary.pk}
    )

    assert response.status_code == 302 and "已结对,双方都会收到通知。" in _said(response)
    pairing = Pairing.objects.get(mentor=mentor, secretary=people.secretary)
    assert Notification.objects.filter(event="training.paired").count() == 2
    ended = client.post(f"/training/pairings/{pairing.pk}/end/")
    assert ended.status_code == 302 and "结对已结束。" in _said(ended)
    pairing.refresh_from_db()
    assert pairing.ended_on == timezone.localdate()
    again = client.post(f"/training/pairings/{pairing.pk}/end/")
    assert again.status_code == 409 and "该结对已经结束。" in again.content.decode()


def test_a_secretary_paired_already_is_not_paired_twice(client, people, mentor, paired):
    response = _as(client, people.district).post(
        f"/training/mentors/{mentor.pk}/pair/", {"secretary": people.secretary.pk}
    )

    assert response.status_code == 422
    assert Pairing.objects.count() == 1


def test_a_worker_is_not_paired(client, people, mentor):
    response = _as(client, people.district).post(
        f"/training/mentors/{mentor.pk}/pair/", {"secretary": people.worker.pk}
    )

    assert response.status_code == 422 and not Pairing.objects.exists()


def test_only_district_staff_pair(client, people, mentor):
    response = _as(client, people.street).post(
        f"/training/mentors/{mentor.pk}/pair/", {"secretary": people.secretary.pk}
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


# --- 一项目一方案 ---------------------------------------------------------------------------------
@pytest.fixture
def project(org, people):
    return f.ProjectFactory(community=org.guoao, created_by=people.secretary, title="楼道微更新")


@pytest.fixture
def coaching(people, project, mentor):
    return services.coaching_attach(
        by=people.district,
        project=project,
        mentor=mentor,
        data={"topic": "property", "problem": "物业不配合,场地落实不了"},
    )


def test_the_street_attaches_a_mentor_from_the_project_page(client, people, project, mentor):
    card = _as(client, people.street).get(f"/projects/{project.pk}/").content.decode()
    assert "导师指导(一项目一方案)" in card
    assert f"/training/coaching/new/?project={project.pk}" in card
    form = client.get(f"/training/coaching/new/?project={project.pk}")
    assert form.status_code == 200 and "楼道微更新" in form.content.decode()

    response = client.post(
        f"/training/coaching/new/?project={project.pk}",
        {"once": f.once(), "mentor": mentor.pk, "topic": "property", "problem": "物业不配合"},
    )

    coaching = Coaching.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/coaching/{coaching.pk}/"
    assert (coaching.project, coaching.assigned_by) == (project, people.street)
    assert project.events.filter(kind=ProjectEvent.Kind.COACHING_ASSIGNED).exists()
    shown = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'data-coaching="{coaching.pk}"' in shown and "方案待形成" in shown


def test_community_staff_do_not_attach_a_mentor(client, people, project, mentor):
    url = f"/training/coaching/new/?project={project.pk}"
    assert _as(client, people.secretary).get(url).status_code == 403
    response = client.post(
        url, {"once": f.once(), "mentor": mentor.pk, "topic": "property", "problem": "难"}
    )
    assert response.status_code == 403 and not Coaching.objects.exists()
    card = client.get(f"/projects/{project.pk}/").content.decode()
    assert "导师指导(一项目一方案)" not in card  # no coaching, no button for her


def test_a_project_out_of_sight_gives_404(client, people, project, mentor):
    url = f"/training/coaching/new/?project={project.pk}"

    assert _as(client, people.street_b).get(url).status_code == 404
    assert client.get("/training/coaching/new/").status_code == 404
    assert client.get("/training/coaching/new/?project=abc").status_code == 404


def test_a_mentor_already_coaching_the_project_is_refused(client, people, coaching, mentor):
    response = _as(client, people.district).post(
        f"/training/coaching/new/?project={coaching.project_id}",
        {"once": f.once(), "mentor": mentor.pk, "topic": "property", "problem": "再来一次"},
    )

    assert response.status_code == 422
    assert f"{mentor}已在指导这个项目。" in response.content.decode()
    assert Coaching.objects.count() == 1


def test_the_mentor_notes_a_visit_and_writes_the_plan(client, people, coaching):
    url = f"/training/coaching/{coaching.pk}/"
    page = _as(client, people.mentor).get(url).content.decode()
    assert "物业不配合" in page and "记录一次指导" in page and "填写方案" in page

    noted = client.post(
        url + "note/",
        {
            "once": f.once(),
            "date": timezone.localdate().isoformat(),
            "mode": "online",
            "text": "视频座谈",
        },
    )
    assert noted.status_code == 302 and "指导记录已保存。" in _said(noted)
    assert CoachingNote.objects.get(coaching=coaching).mode == "online"
    planned = client.post(url + "plan/", {"plan": "一、成立议事小组;二、与物业签协议。"})
    assert planned.status_code == 302
    coaching.refresh_from_db()
    assert coaching.plan.startswith("一、成立议事小组") and coaching.plan_at is not None
    assert coaching.plan_file is None
    kinds = set(coaching.project.events.values_list("kind", flat=True))
    assert {ProjectEvent.Kind.COACHING_NOTE, ProjectEvent.Kind.COACHING_PLAN} <= kinds
    told = Notification.objects.filter(event="training.coaching", title__contains="形成了指导方案")
    assert set(told.values_list("recipient", flat=True)) == {people.secretary.pk, people.worker.pk}
    card = _as(client, people.secretary).get(f"/projects/{coaching.project_id}/").content.decode()
    assert "指导方案:" in card and "一、成立议事小组" in card


def test_the_plan_with_a_file_is_linked_from_the_coaching(client, people, coaching):
    response = _as(client, people.mentor).post(
        f"/training/coaching/{coaching.pk}/plan/", {"plan": "方案见附件。", "file": _pdf()}
    )

    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.plan_file.content_type == "application/pdf"
    page = client.get(f"/training/coaching/{coaching.pk}/").content.decode()
    assert f"/files/{coaching.plan_file.uuid}" in page and "方案附件:方案.pdf" in page


def test_a_plan_file_that_is_no_document_saves_nothing(client, people, coaching):
    fake = SimpleUploadedFile("方案.pdf", b"just text", content_type="application/pdf")

    response = _as(client, people.mentor).post(
        f"/training/coaching/{coaching.pk}/plan/", {"plan": "方案见附件。", "file": fake}
    )

    assert response.status_code == 422
    assert "文档只接受 PDF" in response.content.decode()
    coaching.refresh_from_db()
    assert (coaching.plan, coaching.plan_at, coaching.plan_file) == ("", None, None)
    assert not Upload.objects.exists()


def test_a_note_dated_tomorrow_is_refused(client, people, coaching):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    response = _as(client, people.mentor).post(
        f"/training/coaching/{coaching.pk}/note/",
        {"once": f.once(), "date": tomorrow.isoformat(), "mode": "offline", "text": "座谈"},
    )

    assert response.status_code == 422
    assert "指导日期不能晚于今天。" in response.content.decode()
    assert not CoachingNote.objects.exists()


def test_only_the_mentor_writes_notes_and_the_plan(client, people, coaching):
    url = f"/training/coaching/{coaching.pk}/"
    note = {
        "once": f.once(),
        "date": timezone.localdate().isoformat(),
        "mode": "offline",
        "text": "x",
    }

    assert _as(client, people.district).post(url + "note/", note).status_code == 403
    assert client.post(url + "plan/", {"plan": "区里写的方案"}).status_code == 403
    assert (
        _as(client, people.secretary_haiyun).post(url + "plan/", {"plan": "x"}).status_code == 404
    )
    coaching.refresh_from_db()
    assert coaching.plan == "" and not CoachingNote.objects.exists()


def test_the_mentor_ends_the_coaching_and_no_longer_reads_the_project(client, people, coaching):
    project_url = f"/projects/{coaching.project_id}/"
    assert _as(client, people.mentor).get(project_url).status_code == 200  # the grant

    response = client.post(f"/training/coaching/{coaching.pk}/close/")

    assert response.status_code == 302 and "项目指导已结束。" in _said(response)
    coaching.refresh_from_db()
    assert coaching.status == CoachingStatus.DONE
    assert client.get(f"/training/coaching/{coaching.pk}/").status_code == 200  # his record
    assert _as(client, people.mentor).get(project_url).status_code == 404
    again = client.post(f"/training/coaching/{coaching.pk}/note/", {"once": f.once(), "text": "x"})
    assert again.status_code == 409 and "当前状态为“已结束”" in again.content.decode()


def test_community_staff_do_not_end_a_coaching(client, people, coaching):
    response = _as(client, people.secretary).post(f"/training/coaching/{coaching.pk}/close/")

    assert response.status_code == 403
    coaching.refresh_from_db()
    assert coaching.status == CoachingStatus.OPEN


def test_the_coaching_list_shows_what_each_person_sees(client, org, people, coaching, mentor):
    other = f.ProjectFactory(community=org.yuehai, created_by=people.secretary2, title="悦海议事")
    services.coaching_attach(
        by=people.district, project=other, mentor=mentor, data={"topic": "disputes", "problem": "x"}
    )

    mine = _as(client, people.secretary).get("/training/coaching/").content.decode()
    assert "楼道微更新" in mine and "悦海议事" not in mine
    everything = _as(client, people.mentor).get("/training/coaching/").content.decode()
    assert "楼道微更新" in everything and "悦海议事" in everything
