import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity, Status
from signups.tests.factories import announced_project, session

from .helpers import held_session

pytestmark = pytest.mark.django_db


def test_the_public_page_says_what_when_where_for_whom_and_how_to_take_part(client, org, people):
    project = announced_project(org, people, target_groups="社区老人和儿童")
    project.compounds.add(org.compound)
    feast = session(project, people, capacity=20)
    session(project, people, capacity=None, days=21, title="包饺子")

    body = client.get(reverse("public:announcement", args=[project.pk])).content.decode()

    assert project.announcement in body and "社区老人和儿童" in body and org.compound.name in body
    assert "还剩 <strong>20</strong> 个" in body
    assert reverse("signups:join", args=[feast.pk]) in body
    assert "不用报名" in body
    assert "13812345678" not in body  # the secretary's phone is never shown


def test_a_project_not_yet_announced_has_no_public_page(client, org, people):
    draft = announced_project(org, people, status=Status.APPROVED)
    assert client.get(reverse("public:announcement", args=[draft.pk])).status_code == 404


def test_results_show_counts_hours_money_by_source_and_only_public_photos(client, org, people):
    project = announced_project(org, people, status=Status.RETROSPECTED)
    project.retrospective = "居民满意,准备每季度办一次。"
    project.save(update_fields=["retrospective"])
    _, shown, hidden = held_session(project, people, participants=30)
    Activity.objects.create(  # recorded before spending went by budget line
        project=project,
        date=timezone.localdate() - datetime.timedelta(days=30),
        place="活动室",
        participants=10,
        spending=50,
        funding_source="self",
        status=Activity.Status.HELD,
        created_by=people.secretary,
    )

    body = client.get(reverse("public:announcement", args=[project.pk])).content.decode()

    assert "项目成效" in body and project.retrospective in body
    assert ">2</span>场活动" in body and ">40</span>人次居民参加" in body
    assert ">5</span>小时志愿服务" in body
    assert "街道" in body and "300.00" in body and "自筹" in body and "350.00" in body
    assert str(shown.upload.uuid) in body and str(hidden.upload.uuid) not in body
    assert "居民评价开通后" in body  # an empty slot, no invented grades


def test_the_photo_view_serves_only_public_photos_of_published_projects(client, org, people):
    project = announced_project(org, people, status=Status.IN_PROGRESS)
    _, shown, hidden = held_session(project, people)

    ok = client.get(reverse("public:photo", args=[shown.upload.uuid]))
    assert ok.status_code == 200 and ok["Cache-Control"].startswith("public")
    assert client.get(reverse("public:photo", args=[hidden.upload.uuid])).status_code == 404

    project.status = Status.APPROVED  # no longer published
    project.save(update_fields=["status"])
    assert client.get(reverse("public:photo", args=[shown.upload.uuid])).status_code == 404


def test_an_upload_that_is_no_session_photo_is_not_served(client, org, people):
    from .helpers import upload

    project = announced_project(org, people)
    other = upload(project, people)
    assert client.get(reverse("public:photo", args=[other.uuid])).status_code == 404


def test_the_calendar_lists_a_communitys_month_and_links_project_and_signup(client, org, people):
    project = announced_project(org, people)
    feast = session(project, people, capacity=10, days=3)
    cancelled = session(project, people, capacity=None, days=3, title="停办的活动")
    cancelled.status = Activity.Status.CANCELLED
    cancelled.save(update_fields=["status"])
    yuehai = announced_project(org, people, community=org.yuehai)
    elsewhere = session(yuehai, people, days=3, title="别处")
    draft = announced_project(org, people, status=Status.APPROVED)
    hidden = session(draft, people, days=3, title="未发布")
    month = feast.date.strftime("%Y-%m")

    response = client.get(reverse("public:calendar"), {"community": org.guoao.pk, "month": month})

    body = response.content.decode()
    assert response.status_code == 200 and "国奥社区活动日历" in body
    assert reverse("public:announcement", args=[project.pk]) in body
    assert reverse("signups:join", args=[feast.pk]) in body
    assert "<del>" in body and "停办的活动" in body
    assert f"session-{elsewhere.pk}" not in body and f"session-{hidden.pk}" not in body


def test_the_calendar_takes_any_month_parameter_without_error(client, org):
    for month in ("", "2026-13", "abc", "9999-01", "2026-02-30", "-1", "2026-1-1"):
        assert client.get(reverse("public:calendar"), {"month": month}).status_code == 200
    for pick in ({"street": "x"}, {"community": "99999999"}, {"street": "9" * 40}):
        assert client.get(reverse("public:calendar"), pick).status_code == 200


def test_the_calendar_picks_a_street_then_its_communities(client, org):
    body = client.get(reverse("public:calendar"), {"street": org.street_a.pk}).content.decode()
    assert "长江路街道活动日历" in body and "海韵社区" in body and "悦海社区" not in body


def test_home_links_the_calendar(client, org):
    assert reverse("public:calendar") in client.get(reverse("public:home")).content.decode()


def test_the_poster_carries_a_qr_code_of_the_public_page(client, settings, org, people):
    """The stairwell poster: the announcement, and a QR code that opens the project's public
    page at the portal's public address (residents scan it in WeChat)."""
    settings.PUBLIC_BASE_URL = "https://bsbj.example.gov.cn/"
    project = announced_project(org, people)
    response = client.get(reverse("public:poster", args=[project.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    link = f"https://bsbj.example.gov.cn/p/announcements/{project.pk}/"
    assert link in body and "每月一次百家宴" in body
    assert 'src="data:image/svg+xml' in body
    draft = announced_project(org, people, status=Status.DRAFT)
    assert client.get(reverse("public:poster", args=[draft.pk])).status_code == 404
