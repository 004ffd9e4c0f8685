"""The topics area's pages: the residents' index, meeting and topic pages with their forms
(/p/roundtable/), and the staff topic page and topic form (/roundtable/): status codes,
messages, what each person sees, the rate limit, and query counts that stay constant as the
data grows."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core import ratelimit
from core.models import AuditEvent
from core.once import new_token
from roundtable import access
from roundtable.models import (
    MeetingStatus,
    Participant,
    ParticipantStatus,
    PostStatus,
    Resolution,
    Support,
    Topic,
    TopicStatus,
)
from roundtable.public_views import PLACE_COOKIE
from roundtable.tests import world_topics as w
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(org):
    access.forget_words(org.district.pk)
    return w.meeting(org.guoao)


@pytest.fixture
def resident(org, people):
    return w.resident_participant(org, people)


def _count(client, url, **params) -> tuple[int, object]:
    client.get(url, params)  # warm up: caches that fill once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(ctx), response


def _fill(meeting, people, n, start=0):
    """n published topics of residents of 国奥, each with a post and a support."""
    for i in range(start, start + n):
        user = f.make_user(Role.RESIDENT, meeting.community, username=f"r{i}")
        p = w.participant(meeting.community, user, name=f"居民{i}")
        topic = w.topic(meeting, user, title=f"议题{i}", participant=p, supports=1, posts_count=1)
        w.post(topic, user, participant=p)
        Support.objects.create(topic=topic, participant=p)


# --- the index --------------------------------------------------------------------------------
def test_index_picks_a_community_remembers_it_and_lists_its_meetings(client, meeting, org):
    past = w.meeting(
        org.guoao, w.CLOSED_MONTH, date=w.CLOSED_MONTH.replace(day=17), status="closed"
    )
    w.topic(past, f.UserFactory(), status=TopicStatus.SOLVED)
    url = reverse("roundtable_public:index")

    response = client.get(url, {"community": org.guoao.pk})

    assert response.status_code == 200
    assert response.cookies[PLACE_COOKIE].value == str(org.guoao.pk)
    page = response.content.decode()
    assert meeting.get_public_url() in page and past.get_public_url() in page
    assert "正在议事" in page and "用手机号登录" in page
    assert "国奥社区:<strong>1</strong>" in page and "全区:<strong>1</strong>" in page
    # The next visit, without a choice, shows the remembered community.
    again = client.get(url)
    assert meeting.get_public_url() in again.content.decode()
    assert PLACE_COOKIE not in again.cookies


def test_index_counts_solved_problems_per_community_street_and_district(meeting, people, org):
    other = w.meeting(org.yuehai)
    haiyun = w.meeting(org.haiyun)
    for m, n in ((meeting, 2), (haiyun, 1), (other, 3)):
        for _ in range(n):
            w.topic(m, people.secretary, status=TopicStatus.SOLVED)
    w.topic(meeting, people.secretary)  # open: not counted

    index = reverse("roundtable_public:index")

    picked = Client().get(index, {"community": org.guoao.pk}).context["solved"]
    anywhere = Client().get(index).context["solved"]  # no place remembered on this device

    assert picked == {"community": 2, "street": 3, "district": 6}
    assert anywhere == {"community": None, "street": None, "district": 6}


def test_index_without_a_place_asks_for_one(client, meeting):
    response = client.get(reverse("roundtable_public:index"), {"street": "junk"})
    assert response.status_code == 200
    assert "请先在上面选择" in response.content.decode()
    assert meeting.get_public_url() not in response.content.decode()


def test_index_costs_the_same_queries_for_more_meetings(client, meeting, org, people):
    url = reverse("roundtable_public:index")

    def past(year):
        import datetime

        month = datetime.date(year, 3, 1)
        closed = w.meeting(org.guoao, month, date=month.replace(day=17), status="closed")
        w.topic(closed, people.secretary, status=TopicStatus.SOLVED)

    past(2020)
    few, _ = _count(client, url, community=org.guoao.pk)
    for year in range(2010, 2019):
        past(year)
    many, _ = _count(client, url, community=org.guoao.pk)
    assert many == few <= 8


# --- the meeting page -------------------------------------------------------------------------
def test_meeting_page_lists_published_topics_by_supports(client, meeting, resident, people):
    w.topic(meeting, people.secretary, title="议题甲", supports=1)
    w.topic(meeting, people.secretary, title="议题乙", supports=5, on_behalf_of="王大爷")
    w.topic(meeting, people.secretary, title="被隐藏的", moderation=PostStatus.HIDDEN)

    page = client.get(meeting.get_public_url()).content.decode()

    assert page.index("议题乙") < page.index("议题甲") and "被隐藏的" not in page
    assert "社区代发 · 王大爷" in page and "社区 · 国奥社区" in page
    assert "登录后可以提议题" in page and "/p/roundtable/login/?next=" in page
    assert "附议</button>" not in page


def test_meeting_page_shows_a_hidden_topic_as_hidden_with_its_reason_after_the_others(
    client, meeting, people
):
    hidden = w.topic(
        meeting,
        people.secretary,
        title="加微信领红包",
        supports=9,
        moderation=PostStatus.HIDDEN,
        hidden_reason="广告内容",
    )
    w.topic(meeting, people.secretary, title="议题甲", supports=1)

    page = client.get(meeting.get_public_url()).content.decode()

    assert "加微信领红包" not in page
    assert f'id="topic-{hidden.pk}" data-moderation="hidden"' in page
    assert "该议题已被管理员隐藏" in page and "原因:广告内容" in page
    assert page.index("议题甲") < page.index("该议题已被管理员隐藏")
    own = client.get(hidden.get_public_url()).content.decode()
    assert "加微信领红包" not in own and "该议题已被管理员隐藏" in own and "广告内容" in own


def test_meeting_page_shows_a_held_topic_only_to_its_author(client, meeting, resident, people):
    w.topic(
        meeting, people.resident, title="等审核的", participant=resident, moderation=PostStatus.HELD
    )

    assert "等审核的" not in client.get(meeting.get_public_url()).content.decode()
    client.force_login(people.resident)
    page = client.get(meeting.get_public_url()).content.decode()
    assert "等审核的" in page and "您的议题正在等待社区审核" in page
    assert 'name="once"' in page and "提交议题" in page


def test_meeting_page_tells_an_unverified_resident_to_wait(client, meeting, resident, people):
    Participant.objects.filter(pk=resident.pk).update(status=ParticipantStatus.PENDING)
    client.force_login(people.resident)

    page = client.get(meeting.get_public_url()).content.decode()

    assert "核实通过后可以发言" in page and "提交议题" not in page


def test_meeting_page_costs_the_same_queries_for_more_topics(client, meeting, resident, people):
    client.force_login(people.resident)
    _fill(meeting, people, 3)
    few, _ = _count(client, meeting.get_public_url())
    _fill(meeting, people, 12, start=3)
    many, response = _count(client, meeting.get_public_url())
    assert many == few <= 10
    assert "议题14" in response.content.decode()


def test_a_resident_raises_a_topic_from_the_meeting_page(client, meeting, resident, people):
    client.force_login(people.resident)
    url = reverse("roundtable_public:topic_create", args=[meeting.pk])

    response = client.post(url, {"once": new_token(), "title": "路灯不亮", "body": "东门"})

    assert response.status_code == 302 and response["Location"] == meeting.get_public_url()
    assert Topic.objects.get().title == "路灯不亮"
    assert "议题已提交" in client.get(response["Location"]).content.decode()


def test_a_bad_topic_comes_back_with_its_reasons(client, meeting, resident, people):
    client.force_login(people.resident)
    url = reverse("roundtable_public:topic_create", args=[meeting.pk])

    response = client.post(url, {"once": new_token(), "title": "长" * 61, "body": ""})

    assert response.status_code == 422
    page = response.content.decode()
    assert "议题最多 60 个字" in page and "请填写情况说明" in page
    assert not Topic.objects.exists()


def test_anonymous_poster_is_sent_to_the_sign_in_and_back(client, meeting, org):
    url = reverse("roundtable_public:topic_create", args=[meeting.pk])

    response = client.post(url, {"once": new_token(), "title": "路灯", "body": "不亮"})

    assert response.status_code == 302
    assert response["Location"].startswith("/p/roundtable/login/?next=")
    assert f"community={org.guoao.pk}" in response["Location"]


def test_an_account_without_a_place_is_refused_with_the_reason_and_audited(client, meeting, people):
    client.force_login(people.resident)  # not registered in the round table
    url = reverse("roundtable_public:topic_create", args=[meeting.pk])

    response = client.post(url, {"once": new_token(), "title": "路灯", "body": "不亮"})

    assert response.status_code == 403
    assert "您还没有登记参加本社区圆桌会" in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor=people.resident).exists()
    assert not Topic.objects.exists()


def test_support_from_the_meeting_page_once(client, meeting, resident, people):
    topic = w.topic(meeting, people.secretary, title="路灯")
    client.force_login(people.resident)
    url = reverse("roundtable_public:support", args=[topic.pk])

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{meeting.get_public_url()}#topic-{topic.pk}"
    page = client.get(meeting.get_public_url()).content.decode()
    assert "附议成功" in page and "已附议" in page

    again = client.post(url, {"back": "topic"})
    assert again.status_code == 409
    assert "您已经附议过" in again.content.decode()
    assert Topic.objects.get(pk=topic.pk).supports == 1


# --- the topic page ---------------------------------------------------------------------------
def test_topic_page_shows_the_thread_with_public_names_only(client, meeting, resident, people, org):
    people.resident.phone = "13900001111"
    people.resident.save(update_fields=["phone", "phone_hash"])
    topic = w.topic(meeting, people.secretary, posts_count=1)
    w.post(topic, people.resident, participant=resident, body="我也觉得")
    w.post(
        topic,
        people.resident,
        participant=resident,
        body="骂人的话",
        status=PostStatus.HIDDEN,
        hidden_reason="人身攻击",
    )
    w.post(topic, people.secretary, body="社区会跟进", on_behalf_of="")

    page = client.get(topic.get_public_url()).content.decode()

    assert "我也觉得" in page and "王** · 3号楼" in page and "王秀英" not in page
    assert "13900001111" not in page and "1111" not in page
    assert "骂人的话" not in page and "该发言已被管理员隐藏" in page and "人身攻击" in page
    assert "社区 · 国奥社区" in page
    assert 'hx-trigger="every 5s"' in page


def test_a_held_post_shows_only_to_its_author(client, meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    w.post(topic, people.resident, participant=resident, body="待审的话", status=PostStatus.HELD)

    assert "待审的话" not in client.get(topic.get_public_url()).content.decode()
    client.force_login(people.resident)
    page = client.get(topic.get_public_url()).content.decode()
    assert "待审的话" in page and "您的发言正在等待社区审核" in page


def test_a_held_topic_is_not_found_except_by_its_author(client, meeting, resident, people):
    held = w.topic(meeting, people.resident, participant=resident, moderation=PostStatus.HELD)

    assert client.get(held.get_public_url()).status_code == 404
    client.force_login(people.resident)
    assert "正在等待社区审核" in client.get(held.get_public_url()).content.decode()


def test_a_closed_meetings_topic_shows_its_resolutions_and_no_form(
    client, meeting, resident, people
):
    topic = w.topic(meeting, people.secretary)
    Resolution.objects.create(
        topic=topic,
        action="物业本周更换路灯",
        responsible="物业公司",
        due_on=meeting.date,
        created_by=people.secretary,
    )
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    client.force_login(people.resident)

    page = client.get(topic.get_public_url()).content.decode()

    assert "物业本周更换路灯" in page and "物业公司" in page and "已闭会" in page
    assert 'id="post-form"' not in page and "hx-trigger" not in page


def test_posting_without_script_redirects_to_the_new_post(client, meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    client.force_login(people.resident)

    response = client.post(
        reverse("roundtable_public:post_create", args=[topic.pk]), {"body": "支持"}
    )

    post = topic.posts.get()
    assert response.status_code == 302
    assert response["Location"] == f"{topic.get_public_url()}#post-{post.pk}"
    assert "发言已发布" in client.get(response["Location"]).content.decode()


def test_topic_page_costs_the_same_queries_for_a_longer_thread(client, meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    client.force_login(people.resident)
    for n in range(3):
        w.post(topic, people.resident, participant=resident, body=f"第{n}条")
    few, _ = _count(client, topic.get_public_url())
    for n in range(60):
        w.post(topic, people.resident, participant=resident, body=f"第{n}条")
    many, response = _count(client, topic.get_public_url())
    assert many == few <= 10
    assert "查看更早的发言" in response.content.decode()


# --- the rate limit ---------------------------------------------------------------------------
def test_posting_past_the_rate_limit_gets_429(client, settings, monkeypatch, meeting, resident):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "roundtable_post": {"device": "2/m", "ip": "100/m"},
    }
    cache.clear()  # no count left by another test in the shared local-memory cache
    topic = w.topic(meeting, resident.user)
    client.force_login(resident.user)
    client.get(topic.get_public_url())  # the page hands out the device cookie
    url = reverse("roundtable_public:post_create", args=[topic.pk])

    answers = [client.post(url, {"body": f"第{n}条"}).status_code for n in range(3)]

    assert answers == [302, 302, 429]
    assert topic.posts.count() == 2


# --- staff pages ------------------------------------------------------------------------------
def test_staff_topic_page_in_scope_only(client, meeting, people):
    topic = w.topic(meeting, people.secretary, title="路灯")
    client.force_login(people.secretary2)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=people.secretary2).exists()
    client.force_login(people.street)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "路灯" in page and 'id="post-form"' not in page  # the street reads, never posts


def test_moderator_sees_held_posts_and_the_moderation_buttons(client, meeting, resident, people):
    topic = w.topic(meeting, people.secretary)
    w.post(
        topic,
        people.resident,
        participant=resident,
        body="待审的话",
        status=PostStatus.HELD,
        held_reason="含敏感词:骗子",
    )
    client.force_login(people.secretary)

    page = client.get(topic.get_absolute_url()).content.decode()

    assert "待审的话" in page and "含敏感词:骗子" in page
    assert reverse("roundtable:post_publish", args=[topic.posts.get().pk]) in page
    assert reverse("roundtable:topic_hide", args=[topic.pk]) in page
    assert 'name="on_behalf_of"' in page and 'id="followup"' in page


def test_staff_post_on_behalf_of_a_resident_from_the_topic_page(client, meeting, people):
    topic = w.topic(meeting, people.secretary)
    client.force_login(people.worker)

    response = client.post(
        reverse("roundtable:post_create", args=[topic.pk]),
        {"body": "王大爷说同意", "on_behalf_of": "3号楼 王大爷", "status": "hidden"},
    )

    post = topic.posts.get()
    assert response.status_code == 302
    assert response["Location"] == f"{topic.get_absolute_url()}#post-{post.pk}"
    assert post.status == PostStatus.PUBLISHED and post.on_behalf_of == "3号楼 王大爷"
    page = client.get(topic.get_public_url()).content.decode()
    assert "社区代发 · 3号楼 王大爷" in page


def test_staff_raise_a_topic_for_a_resident_without_a_phone(client, meeting, people):
    url = reverse("roundtable:topic_create", args=[meeting.pk])
    client.force_login(people.secretary)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {"once": new_token(), "title": "楼道灯", "body": "不亮", "on_behalf_of": "5号楼 张奶奶"},
    )

    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert topic.on_behalf_of == "5号楼 张奶奶" and topic.moderation == PostStatus.PUBLISHED
    client.force_login(people.street)
    assert client.get(url).status_code == 403


def test_staff_topic_page_costs_the_same_queries_for_a_longer_thread(
    client, meeting, resident, people
):
    topic = w.topic(meeting, people.secretary)
    client.force_login(people.secretary)
    for _ in range(3):
        w.post(topic, people.resident, participant=resident, status=PostStatus.HELD)
    few, _ = _count(client, topic.get_absolute_url())
    for n in range(60):
        w.post(topic, people.resident, participant=resident, body=f"第{n}条")
    many, _ = _count(client, topic.get_absolute_url())
    assert many == few <= 10
