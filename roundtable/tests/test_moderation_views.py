"""Moderation pages: the queue, the publish and hide buttons, the district's words
(roundtable/moderation_views.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEvent
from roundtable import access
from roundtable.models import Meeting, Post, PostStatus, SensitiveWord, Topic
from roundtable.tests import world_moderation as w
from tests import factories as f

HELD, PUBLISHED, HIDDEN = PostStatus.HELD, PostStatus.PUBLISHED, PostStatus.HIDDEN
QUEUE = reverse("roundtable:moderation")
WORDS = reverse("roundtable:words")


@pytest.fixture(autouse=True)
def _words_forgotten(org):
    access.forget_words(org.district.pk)
    yield
    access.forget_words(org.district.pk)


@pytest.fixture
def guoao(org, people):
    """国奥's meeting, its resident as participant, a published topic."""
    meeting = w.meeting(org.guoao)
    by = {"participant": w.resident_participant(org, people), "author": people.resident}
    topic = w.topic(meeting, posts_count=1, **by)
    return type("Guoao", (), {"meeting": meeting, "by": by, "topic": topic})


def _as(client, person):
    client.force_login(person)
    return client


def _page(response) -> str:
    return response.content.decode()


# --- the queue ----------------------------------------------------------------------------------
def test_queue_lists_held_topics_and_posts_oldest_first_with_what_to_judge(
    client, org, people, guoao
):
    now = timezone.now()
    older = w.topic(
        guoao.meeting,
        "物业乱收费",
        HELD,
        held_reason="含敏感词:乱收费",
        created_at=now - datetime.timedelta(hours=2),
        **guoao.by,
    )
    newer = w.post(
        guoao.topic,
        "楼上漏水没人管",
        HELD,
        held_reason="本社区圆桌会先审后发",
        created_at=now - datetime.timedelta(hours=1),
        **guoao.by,
    )
    w.post(guoao.topic, "已经公开的发言", **guoao.by)

    page = _page(_as(client, people.secretary).get(QUEUE))

    assert page.index("物业乱收费") < page.index("楼上漏水没人管")
    assert "已经公开的发言" not in page
    assert "含敏感词:乱收费" in page and "本社区圆桌会先审后发" in page
    assert "国奥社区" in page and timezone.localdate().strftime("%Y年%-m月%-d日") in page
    assert "居民 · 王秀英 · 3号楼" in page
    assert reverse("roundtable:topic_publish", args=[older.pk]) in page
    assert reverse("roundtable:post_hide", args=[newer.pk]) in page
    assert f'name="next" value="{QUEUE}"' in page


def test_queue_shows_only_the_users_communities(client, org, people, guoao):
    w.topic(guoao.meeting, "国奥的待审议题", HELD, **guoao.by)
    yuehai = w.meeting(org.yuehai)
    w.topic(yuehai, "悦海的待审议题", HELD, author=people.secretary2)

    haiyun = _page(_as(client, people.secretary_haiyun).get(QUEUE))
    assert "国奥的待审议题" not in haiyun and "悦海的待审议题" not in haiyun
    assert "没有待审核的议题和发言" in haiyun
    district = _page(_as(client, people.district).get(QUEUE))
    assert "国奥的待审议题" in district and "悦海的待审议题" in district


def test_the_street_reads_its_communities_queue_without_buttons(client, people, guoao):
    held = w.topic(guoao.meeting, "国奥的待审议题", HELD, **guoao.by)

    page = _page(_as(client, people.street).get(QUEUE))

    assert "国奥的待审议题" in page
    assert "审核由社区工作人员或区级工作人员进行" in page
    assert reverse("roundtable:topic_publish", args=[held.pk]) not in page
    assert reverse("roundtable:topic_hide", args=[held.pk]) not in page


def test_hidden_tab_lists_the_last_30_days_with_who_and_why(client, people, guoao):
    w.post(
        guoao.topic, "加微信领红包", HIDDEN, **w.hidden_by(people.secretary, "广告内容"), **guoao.by
    )
    old = w.hidden_by(people.secretary, "很久以前的原因")
    old["moderated_at"] = timezone.now() - datetime.timedelta(days=31)
    w.post(guoao.topic, "很久以前隐藏的发言", HIDDEN, **old, **guoao.by)
    w.topic(guoao.meeting, "待审的议题", HELD, **guoao.by)

    page = _page(_as(client, people.worker).get(QUEUE, {"show": "hidden"}))

    assert "加微信领红包" in page and "广告内容" in page and str(people.secretary) in page
    assert "很久以前隐藏的发言" not in page and "待审的议题" not in page
    held = _page(client.get(QUEUE, {"show": "nonsense"}))
    assert "待审的议题" in held and "加微信领红包" not in held


@pytest.mark.parametrize("who", ["resident", "partner", "auditor", "sysadmin", "nobody"])
def test_queue_is_for_staff(client, people, who):
    assert _as(client, getattr(people, who)).get(QUEUE).status_code == 403


def _queue_rows(org, people, meeting, by, n):
    """n held and hidden topics and posts of 国奥社区, n held ones of 悦海社区."""
    topics = [w.topic(meeting, f"待审议题{i}", HELD, **by) for i in range(n)]
    for i, topic in enumerate(topics):
        w.post(topic, f"待审发言{i}", HELD, **by)
        w.post(topic, f"隐藏发言{i}", HIDDEN, **w.hidden_by(people.secretary), **by)
        w.topic(meeting, f"隐藏议题{i}", HIDDEN, **w.hidden_by(people.district), **by)
    yuehai = Meeting.objects.filter(community=org.yuehai).first() or w.meeting(org.yuehai)
    for i in range(n):
        w.topic(yuehai, f"悦海议题{i}", HELD, author=people.secretary2)
        open_topic = w.topic(yuehai, f"悦海公开议题{i}", author=people.secretary2)
        w.post(open_topic, "x", HELD, author=people.secretary2)


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
@pytest.mark.parametrize("show", ["held", "hidden"])
def test_queue_queries_do_not_grow_with_the_queue(client, org, people, guoao, who, show):
    _as(client, getattr(people, who))
    client.get(QUEUE, {"show": show})  # warm up: caches filled once per process
    _queue_rows(org, people, guoao.meeting, guoao.by, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE, {"show": show}).status_code == 200
    _queue_rows(org, people, guoao.meeting, guoao.by, 12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(QUEUE, {"show": show})
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 8
    assert "下一页" in _page(response)  # the rows fill more than one page: paginated


# --- publish and hide ---------------------------------------------------------------------------
def test_publishing_from_the_queue_comes_back_to_the_queue(client, people, guoao):
    held = w.topic(guoao.meeting, "物业乱收费", HELD, **guoao.by)
    back = f"{QUEUE}?page=1"

    response = _as(client, people.secretary).post(
        reverse("roundtable:topic_publish", args=[held.pk]), {"next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    held.refresh_from_db()
    assert held.moderation == PUBLISHED
    assert "已发布" in _page(client.get(back))


def test_hiding_from_the_topic_page_comes_back_to_it(client, people, guoao):
    post = w.post(guoao.topic, **guoao.by)
    back = reverse("roundtable:topic", args=[guoao.topic.pk])

    response = _as(client, people.district).post(
        reverse("roundtable:post_hide", args=[post.pk]), {"reason": "人身攻击", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    post.refresh_from_db()
    assert post.status == HIDDEN and post.hidden_reason == "人身攻击"
    assert Topic.objects.get(pk=guoao.topic.pk).posts_count == 0


@pytest.mark.parametrize(
    "target",
    ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)", "", "x/y"],
)
def test_a_foreign_next_goes_to_the_queue(client, people, guoao, target):
    post = w.post(guoao.topic, "x", HELD, **guoao.by)

    response = _as(client, people.secretary).post(
        reverse("roundtable:post_publish", args=[post.pk]), {"next": target}
    )

    assert response.status_code == 302 and response["Location"] == QUEUE


def test_a_next_with_a_newline_injects_no_header(client, people, guoao):
    post = w.post(guoao.topic, "x", HELD, **guoao.by)

    response = _as(client, people.secretary).post(
        reverse("roundtable:post_publish", args=[post.pk]), {"next": "/p/\r\nSet-Cookie: x=1"}
    )

    assert response.status_code == 302
    assert "\n" not in response["Location"] and "x=1" not in response.cookies


def test_a_missing_reason_shows_the_form_again_with_422(client, people, guoao):
    post = w.post(guoao.topic, "楼上漏水没人管", **guoao.by)

    response = _as(client, people.secretary).post(
        reverse("roundtable:post_hide", args=[post.pk]), {"reason": "", "next": QUEUE}
    )

    assert response.status_code == 422
    page = _page(response)
    assert "请填写隐藏原因" in page and "楼上漏水没人管" in page
    assert f'name="next" value="{QUEUE}"' in page
    post.refresh_from_db()
    assert post.status == PUBLISHED


def test_a_second_hide_answers_409_and_shows_who_was_first(client, people, guoao):
    post = w.post(
        guoao.topic, "加微信领红包", HIDDEN, **w.hidden_by(people.worker, "广告"), **guoao.by
    )

    response = _as(client, people.secretary).post(
        reverse("roundtable:post_hide", args=[post.pk]), {"reason": "人身攻击", "next": QUEUE}
    )

    assert response.status_code == 409
    page = _page(response)
    assert "已隐藏" in page and "请刷新页面" in page and str(people.worker) in page
    assert reverse("roundtable:post_hide", args=[post.pk]) not in page  # nothing left to do
    post.refresh_from_db()
    assert post.hidden_reason == "广告"


def test_another_communitys_secretary_gets_404_audited(client, people, guoao):
    held = w.topic(guoao.meeting, "物业乱收费", HELD, **guoao.by)

    response = _as(client, people.secretary_haiyun).post(
        reverse("roundtable:topic_publish", args=[held.pk])
    )

    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=people.secretary_haiyun, action="access.denied", result="denied"
    ).exists()
    held.refresh_from_db()
    assert held.moderation == HELD


def test_the_street_may_not_act(client, people, guoao):
    post = w.post(guoao.topic, **guoao.by)

    response = _as(client, people.street).post(
        reverse("roundtable:post_hide", args=[post.pk]), {"reason": "人身攻击"}
    )

    assert response.status_code == 403
    post.refresh_from_db()
    assert post.status == PUBLISHED


def test_posted_status_and_counts_change_nothing(client, people, guoao):
    held = w.post(guoao.topic, "x", HELD, **guoao.by)

    _as(client, people.secretary).post(
        reverse("roundtable:post_hide", args=[held.pk]),
        {"reason": "广告内容", "status": PUBLISHED, "posts_count": "99", "moderated_by": "1"},
    )

    held.refresh_from_db()
    assert held.status == HIDDEN and held.moderated_by == people.secretary
    assert Post.objects.get(pk=held.pk).topic.posts_count == 1


# --- the words page -----------------------------------------------------------------------------
def test_district_staff_add_words_and_see_who_added_them(client, org, people):
    SensitiveWord.objects.create(district=org.district, word="代办")
    _as(client, people.district)

    response = client.post(WORDS, {"words": "乱收费\n黑物业, 乱收费 代办"})

    assert response.status_code == 302 and response["Location"] == WORDS
    page = _page(client.get(WORDS))
    assert "已添加 2 个敏感词,1 个已在词库中,未重复添加" in page
    assert "乱收费" in page and "黑物业" in page and str(people.district) in page
    assert "不会直接公开" in page
    assert access.held_reason(district_id=org.district.pk, review_first=False, texts=["黑 物业"])


def test_a_word_too_long_is_refused_with_422(client, people):
    response = _as(client, people.district).post(WORDS, {"words": "好词 " + "长" * 31})

    assert response.status_code == 422
    assert "不超过 30 个字" in _page(response)
    assert not SensitiveWord.objects.exists()


def test_district_staff_delete_a_word(client, org, people):
    word = SensitiveWord.objects.create(district=org.district, word="乱收费")
    access.held_reason(district_id=org.district.pk, review_first=False, texts=[""])  # cached

    response = _as(client, people.district).post(reverse("roundtable:word_delete", args=[word.pk]))

    assert response.status_code == 302 and response["Location"] == WORDS
    assert not SensitiveWord.objects.exists()
    assert "已删除敏感词“乱收费”" in _page(client.get(WORDS))


@pytest.mark.parametrize("who", ["secretary", "street", "auditor"])
def test_other_staff_may_not_keep_the_words(client, org, people, who):
    word = SensitiveWord.objects.create(district=org.district, word="乱收费")
    _as(client, getattr(people, who))

    assert client.get(WORDS).status_code == 403
    assert client.post(WORDS, {"words": "黑物业"}).status_code == 403
    assert client.post(reverse("roundtable:word_delete", args=[word.pk])).status_code == 404
    assert list(SensitiveWord.objects.values_list("word", flat=True)) == ["乱收费"]


def test_words_page_searches(client, org, people):
    SensitiveWord.objects.create(district=org.district, word="乱收费")
    SensitiveWord.objects.create(district=org.district, word="黑物业")

    page = _page(_as(client, people.district).get(WORDS, {"q": "收费"}))

    assert "乱收费" in page and "黑物业" not in page


def test_words_page_queries_do_not_grow_with_the_list(client, org, people):
    _as(client, people.district)
    client.get(WORDS)
    adders = [people.district, f.make_user(Role.DISTRICT_STAFF, org.district, username="d2")]

    def add(start, n):
        SensitiveWord.objects.bulk_create(
            SensitiveWord(district=org.district, word=f"词{i}", created_by=adders[i % 2])
            for i in range(start, start + n)
        )

    add(0, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(WORDS).status_code == 200
    add(5, 200)
    with CaptureQueriesContext(connection) as large:
        assert client.get(WORDS).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 8
