"""The meetings' staff pages (roundtable/meeting_views.py): the list and its filters, the meeting's
page and its forms, the settings page; refusals as pages; constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from core.once import new_token
from roundtable.models import (
    Attendance,
    CommunitySettings,
    Meeting,
    MeetingStatus,
    Post,
    PostStatus,
    ResolutionStatus,
    Topic,
    TopicStatus,
)
from roundtable.tests.test_meetings import follower, make_meeting, resolution, today, topic

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)


def page(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


# --- the list ---------------------------------------------------------------------------------
def test_the_list_shows_the_meetings_in_scope_with_their_counts(client, org, people):
    mine = make_meeting(org.guoao, moved_reason="holiday")
    theirs = make_meeting(org.yuehai)
    raised = topic(mine, people.secretary, supports=3)
    topic(mine, people.secretary, title="待审", moderation=PostStatus.HELD)
    resolution(raised, people.secretary, due_on=today() - DAY)
    resolution(raised, people.secretary)
    resolution(raised, people.secretary, status=ResolutionStatus.DONE)
    Attendance.objects.create(meeting=mine, name="王大爷")

    response = page(client, people.secretary, reverse("roundtable:index"))

    assert response.status_code == 200
    rows = list(response.context["page"])
    assert rows == [mine]
    row = rows[0]
    assert (row.topics_count, row.held_topics, row.supports_count) == (1, 1, 3)
    assert (row.attendance_count, row.resolutions_open, row.resolutions_overdue) == (1, 2, 1)
    text = response.content.decode()
    assert "逢节假日顺延" in text and "本月圆桌会" in text and "正在议事" in text
    assert response.context["current"] == [mine]
    # The district sees both; street A's leading group its own communities only.
    assert set(page(client, people.district, reverse("roundtable:index")).context["page"]) == {
        mine,
        theirs,
    }
    assert list(page(client, people.street, reverse("roundtable:index")).context["page"]) == [mine]


def test_the_list_filters_by_street_community_month_and_phase(client, org, people):
    now = make_meeting(org.guoao)
    nxt = make_meeting(
        org.haiyun, date=today() + 40 * DAY, month=(today() + 40 * DAY).replace(day=1)
    )
    past = make_meeting(
        org.yuehai, date=D(2025, 5, 17), month=D(2025, 5, 1), status=MeetingStatus.CLOSED
    )
    url = reverse("roundtable:index")

    def shown(**query):
        response = page(
            client, people.district, url + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        )
        assert response.status_code == 200
        return set(response.context["page"])

    assert shown(phase="discussing") == {now}
    assert shown(phase="collecting") == {nxt}
    assert shown(phase="closed") == {past}
    assert shown(street=org.street_b.pk) == {past}
    assert shown(community=org.haiyun.pk) == {nxt}
    assert shown(month="2025-05") == {past}
    # A bad filter shows everything with a message, never a 500.
    assert shown(month="2025-13") == {now, nxt, past}


def test_the_list_is_for_staff_only(client, org, people):
    url = reverse("roundtable:index")
    assert page(client, people.partner, url).status_code == 403
    assert page(client, people.resident, url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def _build_list(org, people, start, months):
    for n in range(start, start + months):
        month = D(2024, 1, 1).replace(month=n % 12 + 1, year=2024 - n // 12)
        for community in (org.guoao, org.haiyun):
            meeting = make_meeting(community, date=month.replace(day=17), month=month)
            item = topic(meeting, people.secretary, supports=n)
            resolution(item, people.secretary, due_on=month)
            Attendance.objects.create(meeting=meeting, name=f"居民{n}")


@pytest.mark.parametrize("who", ["secretary", "district"])
def test_the_list_costs_the_same_queries_whatever_the_number_of_meetings(client, org, people, who):
    user = getattr(people, who)
    url = reverse("roundtable:index")
    client.force_login(user)
    _build_list(org, people, 0, 2)
    client.get(url)  # warm up: caches that fill once
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _build_list(org, people, 2, 6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["page"]) > 6
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 8


# --- the meeting's page -----------------------------------------------------------------------
def test_the_meeting_page_shows_topics_attendance_and_the_forms_for_its_staff(client, org, people):
    meeting = make_meeting(org.guoao)
    raised = topic(meeting, people.secretary, title="停车难", supports=4)
    topic(meeting, people.secretary, title="待审核议题", moderation=PostStatus.HELD)
    Attendance.objects.create(meeting=meeting, name="王大爷", online=False)
    talker = follower(org.guoao, name="李秀英")
    Post.objects.create(topic=raised, participant=talker, author=talker.user, body="同意")
    url = reverse("roundtable:meeting", args=[meeting.pk])

    response = page(client, people.secretary, url)

    text = response.content.decode()
    assert response.status_code == 200
    assert "停车难" in text and "待审核议题" not in text and "待审核:议题 1 个" in text
    assert "王大爷" in text and "现场" in text
    assert "李秀英" in text and "登记线上出席" in text  # posted today, not yet recorded
    for name in ("meeting_reschedule", "meeting_close", "attendance_add"):
        assert reverse(f"roundtable:{name}", args=[meeting.pk]) in text
    assert "还没有决议的议题" in text and "停车难" in text

    # The street's leading group reads the same page without the forms.
    text = page(client, people.street, url).content.decode()
    assert "停车难" in text
    for name in ("meeting_reschedule", "meeting_close", "attendance_add"):
        assert reverse(f"roundtable:{name}", args=[meeting.pk]) not in text


def test_a_meeting_of_another_community_is_404_and_audited(client, org, people):
    meeting = make_meeting(org.guoao)
    response = page(client, people.secretary2, reverse("roundtable:meeting", args=[meeting.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=people.secretary2, action="access.denied", result=AuditEvent.Result.DENIED
    ).exists()


def _build_meeting(meeting, org, people, n, start):
    for i in range(start, start + n):
        item = topic(meeting, people.secretary, title=f"议题{i}", supports=i)
        resolution(item, people.secretary)
        Topic.objects.filter(pk=item.pk).update(status=TopicStatus.RESOLVED)
        topic(meeting, people.secretary, title=f"待议{i}")
        person = follower(org.guoao, phone=f"139{i:08d}", name=f"居民{i}")
        Post.objects.create(topic=item, participant=person, author=person.user, body="好")
        Post.objects.create(topic=item, author=people.secretary, body="待审", status="held")
        Attendance.objects.create(meeting=meeting, name=f"签到{i}")


@pytest.mark.parametrize("who", ["secretary", "street"])
def test_the_meeting_page_costs_the_same_queries_whatever_its_size(client, org, people, who):
    meeting = make_meeting(org.guoao)
    url = reverse("roundtable:meeting", args=[meeting.pk])
    client.force_login(getattr(people, who))
    _build_meeting(meeting, org, people, 2, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _build_meeting(meeting, org, people, 7, 2)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["attendance"]) == 9
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 10


# --- its forms ----------------------------------------------------------------------------------
def test_close_refused_names_the_topics_and_answers_422(client, org, people):
    meeting = make_meeting(org.guoao)
    topic(meeting, people.secretary, title="电梯维修")
    url = reverse("roundtable:meeting_close", args=[meeting.pk])

    response = page(client, people.secretary, url, {"minutes": "纪要"})

    assert response.status_code == 422
    assert "《电梯维修》" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    assert page(client, people.secretary, url, {"minutes": ""}).status_code == 422


def test_close_then_the_page_shows_the_minutes(client, org, people):
    meeting = make_meeting(org.guoao)
    url = reverse("roundtable:meeting_close", args=[meeting.pk])
    response = page(client, people.secretary, url, {"minutes": "讨论了电梯维修。"})
    assert response.status_code == 302
    assert response["Location"] == reverse("roundtable:meeting", args=[meeting.pk])
    text = client.get(response["Location"]).content.decode()
    assert "讨论了电梯维修。" in text and "已闭会" in text
    assert page(client, people.secretary, url, {"minutes": "再来"}).status_code == 409
    assert page(client, people.street, url, {"minutes": "再来"}).status_code == 403


def test_reschedule_by_form(client, org, people):
    month = (today().replace(day=1) + 40 * DAY).replace(day=1)
    meeting = make_meeting(org.guoao, date=month.replace(day=17), month=month)
    url = reverse("roundtable:meeting_reschedule", args=[meeting.pk])
    new = month.replace(day=21)
    response = page(client, people.worker, url, {"date": new.isoformat(), "reason": "社区换届"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).date == new
    refused = page(client, people.worker, url, {"date": "2025-01-01", "reason": "社区换届"})
    assert refused.status_code == 422 and "不能早于今天" in refused.content.decode()
    bad = page(client, people.worker, url, {"date": "明天", "reason": ""})
    assert bad.status_code == 422


def test_attendance_by_form_with_a_one_time_token(client, org, people):
    meeting = make_meeting(org.guoao)
    url = reverse("roundtable:attendance_add", args=[meeting.pk])
    token = new_token()
    data = {"once": token, "name": "李阿姨", "capacity": "owners_committee", "online": ""}
    assert page(client, people.secretary, url, data).status_code == 302
    assert page(client, people.secretary, url, data).status_code == 302  # the same form again
    row = Attendance.objects.get(meeting=meeting)
    assert (row.name, row.capacity, row.online) == ("李阿姨", "owners_committee", False)
    talker = follower(org.guoao)
    data = {"once": new_token(), "participant": talker.pk, "online": "on"}
    assert page(client, people.secretary, url, data).status_code == 302
    assert Attendance.objects.get(participant=talker).online
    stranger = follower(org.haiyun, phone="13900000008")
    data = {"once": new_token(), "participant": stranger.pk}
    assert page(client, people.secretary, url, data).status_code == 422
    removed = page(
        client,
        people.secretary,
        reverse("roundtable:attendance_remove", args=[meeting.pk]),
        {"attendance": row.pk},
    )
    assert removed.status_code == 302 and not Attendance.objects.filter(pk=row.pk).exists()


# --- settings ---------------------------------------------------------------------------------
def test_settings_page_saves_for_staff_and_reads_for_the_street(client, org, people):
    url = reverse("roundtable:settings", args=[org.guoao.pk])
    upcoming = make_meeting(org.guoao, date=today() + 3 * DAY, month=D(2025, 9, 1))
    assert page(client, people.street, url).status_code == 200
    assert "只供查看" in page(client, people.district, url).content.decode()
    data = {"holiday_shift": "", "review_first": "on", "starts_at": "18:00", "place": "议事厅"}
    assert page(client, people.street, url, data).status_code == 403
    response = page(client, people.secretary, url, data)
    assert response.status_code == 302
    saved = CommunitySettings.objects.get(community=org.guoao)
    assert saved.review_first and saved.starts_at == datetime.time(18, 0)
    upcoming.refresh_from_db()
    assert upcoming.starts_at == datetime.time(18, 0) and upcoming.place == "议事厅"
    assert page(client, people.secretary, url, {**data, "starts_at": "25:99"}).status_code == 422
    assert page(client, people.secretary2, url).status_code == 404


def test_settings_refuse_a_time_that_is_not_a_time(org, people):
    from django.core.exceptions import ValidationError

    from roundtable import meetings

    with pytest.raises(ValidationError, match="开始时间"):
        meetings.settings_update(
            community=org.guoao,
            by=people.secretary,
            holiday_shift=False,
            review_first=False,
            starts_at="晚上",
            place="",
        )
    assert not CommunitySettings.objects.exists()
