"""一项目一方案 through the views: a project's street attaches a mentor from the project page
(?project=<id>), the mentor notes his visits and writes the plan (with or without a file), the
coaching ends; the project page's card (training/hooks.py) shows it all. Refusals answer 403,
404, 409 or 422 with the reason, and save nothing."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification, Upload
from projects.models import ProjectEvent
from tests import factories as f
from training import services
from training.models import Coaching, CoachingNote, CoachingStatus
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _pdf(name="方案.pdf"):
    return SimpleUploadedFile(name, tf.PDF, content_type="application/pdf")


# --- 一项目一方案 ---------------------------------------------------------------------------------------
@pytest.fixture
def project(org, people):
    return f.ProjectFactory(community=org.guoao, created_by=people.secretary, title="楼道微更新")


@pytest.fixture
def coaching(people, project, teacher):
    return services.coaching_attach(
        by=people.district,
        project=project,
        mentor=teacher,
        data={"topic": "property", "problem": "物业不配合,场地落实不了"},
    )


def test_the_street_attaches_a_mentor_from_the_project_page(client, people, project, teacher):
    card = _as(client, people.street).get(f"/projects/{project.pk}/").content.decode()
    assert "导师指导(一项目一方案)" in card
    assert f"/training/coaching/new/?project={project.pk}" in card
    form = client.get(f"/training/coaching/new/?project={project.pk}")
    assert form.status_code == 200 and "楼道微更新" in form.content.decode()

    response = client.post(
        f"/training/coaching/new/?project={project.pk}",
        {"once": f.once(), "mentor": teacher.pk, "topic": "property", "problem": "物业不配合"},
    )

    coaching = Coaching.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/coaching/{coaching.pk}/"
    assert (coaching.project, coaching.assigned_by) == (project, people.street)
    assert project.events.filter(kind=ProjectEvent.Kind.COACHING_ASSIGNED).exists()
    shown = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'data-coaching="{coaching.pk}"' in shown and "方案待形成" in shown


def test_community_staff_do_not_attach_a_mentor(client, people, project, teacher):
    url = f"/training/coaching/new/?project={project.pk}"
    assert _as(client, people.secretary).get(url).status_code == 403
    response = client.post(
        url, {"once": f.once(), "mentor": teacher.pk, "topic": "property", "problem": "难"}
    )
    assert response.status_code == 403 and not Coaching.objects.exists()
    card = client.get(f"/projects/{project.pk}/").content.decode()
    assert "导师指导(一项目一方案)" not in card  # no coaching, no button for her


def test_a_project_out_of_sight_gives_404(client, people, project, teacher):
    url = f"/training/coaching/new/?project={project.pk}"

    assert _as(client, people.street_b).get(url).status_code == 404
    assert client.get("/training/coaching/new/").status_code == 404
    assert client.get("/training/coaching/new/?project=abc").status_code == 404


def test_a_mentor_already_coaching_the_project_is_refused(client, people, coaching, teacher):
    response = _as(client, people.district).post(
        f"/training/coaching/new/?project={coaching.project_id}",
        {"once": f.once(), "mentor": teacher.pk, "topic": "property", "problem": "再来一次"},
    )

    assert response.status_code == 422
    assert f"{teacher}已在指导这个项目。" in response.content.decode()
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


def test_the_coaching_list_shows_what_each_person_sees(client, org, people, coaching, teacher):
    other = f.ProjectFactory(community=org.yuehai, created_by=people.secretary2, title="悦海议事")
    services.coaching_attach(
        by=people.district,
        project=other,
        mentor=teacher,
        data={"topic": "disputes", "problem": "x"},
    )

    mine = _as(client, people.secretary).get("/training/coaching/").content.decode()
    assert "楼道微更新" in mine and "悦海议事" not in mine
    everything = _as(client, people.mentor).get("/training/coaching/").content.decode()
    assert "楼道微更新" in everything and "悦海议事" in everything
