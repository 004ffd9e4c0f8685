"""A topic's live thread (roundtable/thread/thread.html, public_views.posts_fragment and
post_submit): the poll answers only the new posts and the older ones a moderator published or hid
since the last poll (put in their place by id), out of band with the counter and the new position,
in a constant number of queries whatever the thread's length or the number of new or changed
posts; 204 when nothing changed; 286 (stop polling) once the meeting is closed; posting with htmx
gives a fresh form and the news."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from roundtable import access, moderation, topics
from roundtable.models import MeetingStatus, Post, PostStatus
from roundtable.tests import world_topics as w
from tests import factories as f

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(org):
    access.forget_words(org.district.pk)
    return w.meeting(org.guoao)


@pytest.fixture
def resident(org, people):
    return w.resident_participant(org, people)


@pytest.fixture
def topic(meeting, people):
    return w.topic(meeting, people.secretary)


def _fragment(topic, staff=False):
    name = "roundtable:posts" if staff else "roundtable_public:posts"
    return reverse(name, args=[topic.pk])


def _posts(topic, n, org, prefix="r"):
    """n posts by n different residents (each a participant with a building: no query each)."""
    made = []
    for i in range(n):
        user = f.make_user(Role.RESIDENT, org.guoao, username=f"{prefix}{i}")
        p = w.participant(org.guoao, user, name=f"居民{i}", building=org.household.building)
        made.append(w.post(topic, user, participant=p, body=f"{prefix}第{i}条"))
    return made


def _poll(client, url, after, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"after": after, "since": 0, "every": 5, **extra}, **HTMX)
    return len(ctx), response


def _marks(page: str) -> dict:
    """The position a page (or a poll's answer) leaves on the reader's phone."""
    return {
        name: int(re.search(rf'id="thread-{name}" name="{name}" value="(\d+)"', page).group(1))
        for name in ("after", "since")
    }


def _held(topic, org, body="等审核的发言"):
    """A resident's post held for review (the community reviews first)."""
    user = f.make_user(Role.RESIDENT, org.guoao, username="held")
    p = w.participant(org.guoao, user, name="赵六", building=org.household.building)
    held_reason = "本社区圆桌会先审后发"
    return w.post(
        topic, user, participant=p, body=body, status=PostStatus.HELD, held_reason=held_reason
    )


@pytest.mark.parametrize("staff", [False, True])
def test_the_poll_costs_the_same_queries_for_3_or_60_new_posts(client, topic, org, people, staff):
    client.force_login(people.secretary if staff else people.resident)
    url = _fragment(topic, staff)
    start = w.post(topic, people.secretary).pk
    client.get(url, {"after": 0}, **HTMX)  # warm up
    _posts(topic, 3, org, "a")
    few, response = _poll(client, url, start)
    assert response.status_code == 200 and response.content.decode().count("<article") == 3
    last = Post.objects.latest("pk").pk
    _posts(topic, 60, org, "b")
    many, response = _poll(client, url, last)
    assert response.status_code == 200 and response.content.decode().count("<article") == 60
    assert many == few <= 5
    # A long thread costs no more either: nothing new after the last one.
    assert _poll(client, url, Post.objects.latest("pk").pk)[0] == few


def test_the_poll_costs_the_same_queries_for_2_or_20_moderated_posts(client, topic, org, people):
    made = _posts(topic, 22, org)
    url = _fragment(topic)
    client.get(url, {"after": 0}, **HTMX)  # warm up
    for post in made[:2]:
        moderation.post_hide(post=post, by=people.secretary, reason="广告内容")
    few, response = _poll(client, url, made[-1].pk)
    assert response.status_code == 200 and response.content.decode().count("<article") == 2
    for post in made[2:20]:
        moderation.post_hide(post=post, by=people.secretary, reason="广告内容")
    many, response = _poll(client, url, made[-1].pk, since=2)
    assert response.status_code == 200 and response.content.decode().count("<article") == 18
    assert many == few <= 5


def test_a_post_hidden_after_the_page_loaded_is_replaced_at_the_next_poll(
    client, topic, org, people
):
    first, hidden, last = _posts(topic, 3, org)
    page = client.get(topic.get_public_url()).content.decode()
    assert "r第1条" in page
    marks = _marks(page)

    moderation.post_hide(post=hidden, by=people.secretary, reason="人身攻击")
    response = client.get(_fragment(topic), {**marks, "every": 5}, **HTMX)

    news = response.content.decode()
    assert response.status_code == 200 and news.count("<article") == 1
    # Taken out and put back where it was, before the next post, as the placeholder.
    assert f'<i id="post-{hidden.pk}" hx-swap-oob="delete"></i>' in news
    assert f'<div hx-swap-oob="beforebegin:#post-{last.pk}">' in news
    assert "该发言已被管理员隐藏" in news and "人身攻击" in news and "r第1条" not in news
    assert _marks(news) == {"after": last.pk, "since": marks["since"] + 1}
    # The next poll has nothing more to say.
    again = client.get(_fragment(topic), {**_marks(news), "every": 5}, **HTMX)
    assert again.status_code == 204


def test_the_last_post_hidden_goes_back_at_the_end_before_newer_ones(client, topic, org, people):
    (last,) = _posts(topic, 1, org, "a")
    marks = _marks(client.get(topic.get_public_url()).content.decode())
    moderation.post_hide(post=last, by=people.secretary, reason="广告内容")
    (newer,) = _posts(topic, 1, org, "b")

    news = client.get(_fragment(topic), {**marks, "every": 5}, **HTMX).content.decode()

    moved = news.index('hx-swap-oob="beforeend:#thread-posts"')
    article = f'id="post-{last.pk}" data-status="hidden"'
    assert moved < news.index(article) < news.index(f'id="post-{newer.pk}"')
    assert news.count('hx-swap-oob="beforeend:#thread-posts"') == 2


def test_a_held_post_published_after_newer_ones_appears_in_its_place(client, topic, org, people):
    (before,) = _posts(topic, 1, org, "a")
    held = _held(topic, org)
    newer = _posts(topic, 2, org, "b")
    page = client.get(topic.get_public_url()).content.decode()
    assert "等审核的发言" not in page
    marks = _marks(page)
    assert marks["after"] == newer[-1].pk

    moderation.post_publish(post=held, by=people.secretary)
    response = client.get(_fragment(topic), {**marks, "every": 5}, **HTMX)

    news = response.content.decode()
    assert response.status_code == 200 and "等审核的发言" in news
    # New to this reader: inserted before the next post they have (nothing to take out).
    assert f'<div hx-swap-oob="beforebegin:#post-{newer[0].pk}">' in news
    assert f'id="post-{held.pk}" hx-swap-oob="delete"' not in news
    assert before.pk < held.pk < newer[0].pk
    assert _marks(news)["after"] == newer[-1].pk


def test_the_author_and_moderators_have_the_held_post_already_and_get_it_replaced(
    client, topic, org, people
):
    held = _held(topic, org)
    (newer,) = _posts(topic, 1, org)
    client.force_login(held.author)
    mine = _marks(client.get(topic.get_public_url()).content.decode())
    moderation.post_publish(post=held, by=people.secretary)

    news = client.get(_fragment(topic), {**mine, "every": 5}, **HTMX).content.decode()

    assert f'<i id="post-{held.pk}" hx-swap-oob="delete"></i>' in news
    assert f'hx-swap-oob="beforebegin:#post-{newer.pk}"' in news and "待审核" not in news
    client.force_login(people.secretary)
    staff = client.get(
        _fragment(topic, staff=True), {"after": newer.pk, "since": 0, "every": 5}, **HTMX
    ).content.decode()
    assert f'<i id="post-{held.pk}" hx-swap-oob="delete"></i>' in staff


def test_posting_with_htmx_brings_the_moderators_changes_too(client, topic, resident, org, people):
    (seen,) = _posts(topic, 1, org)
    client.force_login(people.resident)
    marks = _marks(client.get(topic.get_public_url()).content.decode())
    moderation.post_hide(post=seen, by=people.secretary, reason="广告内容")

    response = client.post(
        reverse("roundtable_public:post_create", args=[topic.pk]),
        {"body": "我的发言", **marks},
        **HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200 and "我的发言</p>" in page
    assert f'<i id="post-{seen.pk}" hx-swap-oob="delete"></i>' in page and "广告内容" in page


def test_a_phone_far_behind_the_moderators_reloads_the_page(
    client, topic, org, people, monkeypatch
):
    made = _posts(topic, 3, org)
    marks = _marks(client.get(topic.get_public_url()).content.decode())
    monkeypatch.setattr(topics, "POLL_MAX", 2)
    for post in made:
        moderation.post_hide(post=post, by=people.secretary, reason="广告内容")

    response = client.get(_fragment(topic), {**marks, "every": 5}, **HTMX)

    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_the_poll_answers_only_new_posts_with_the_counter_and_the_position(client, topic, people):
    old = w.post(topic, people.secretary, body="旧的发言")
    new = w.post(topic, people.secretary, body="新的发言")
    topic.posts_count = 2
    topic.save(update_fields=["posts_count"])

    response = client.get(_fragment(topic), {"after": old.pk, "every": 5}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "新的发言" in page and "旧的发言" not in page
    assert 'hx-swap-oob="beforeend:#thread-posts"' in page
    assert f'id="thread-after" name="after" value="{new.pk}" hx-swap-oob="true"' in page
    assert 'id="posts-count"' in page and ">2</span>" in page
    assert "thread-empty" not in page  # the thread was not empty when it loaded


def test_the_first_post_of_an_empty_thread_removes_the_empty_line(client, topic, people):
    w.post(topic, people.secretary, body="第一条")
    page = client.get(_fragment(topic), {"after": 0, "every": 5}, **HTMX).content.decode()
    assert 'id="thread-empty" hx-swap-oob="delete"' in page


def test_nothing_new_is_204_so_htmx_does_nothing(client, topic, people):
    last = w.post(topic, people.secretary)
    response = client.get(_fragment(topic), {"after": last.pk, "every": 5}, **HTMX)
    assert response.status_code == 204 and response.content == b""


def test_a_held_post_of_another_is_not_news_for_residents(client, topic, resident, people, org):
    last = w.post(topic, people.secretary)
    other = _posts(topic, 1, org)[0]
    Post.objects.filter(pk=other.pk).update(status=PostStatus.HELD)
    client.force_login(people.resident)
    response = client.get(_fragment(topic), {"after": last.pk, "every": 5}, **HTMX)
    assert response.status_code == 204
    client.force_login(people.secretary)
    staff = client.get(_fragment(topic, staff=True), {"after": last.pk, "every": 5}, **HTMX)
    assert staff.status_code == 200 and "待审核" in staff.content.decode()


def test_polling_stops_once_the_meeting_is_closed(client, topic, meeting, people):
    last = w.post(topic, people.secretary)
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    response = client.get(_fragment(topic), {"after": last.pk, "every": 5}, **HTMX)
    assert response.status_code == 286


def test_the_poll_slows_down_before_the_day_and_speeds_up_on_it(client, topic, meeting, people):
    last = w.post(topic, people.secretary)
    page = client.get(_fragment(topic), {"after": last.pk, "every": 30}, **HTMX)
    assert page.status_code == 200 and 'hx-trigger="every 5s"' in page.content.decode()
    meeting.date = meeting.date + datetime.timedelta(days=2)
    meeting.save(update_fields=["date"])
    page = client.get(_fragment(topic), {"after": last.pk, "every": 5}, **HTMX)
    assert 'hx-trigger="every 30s"' in page.content.decode()
    assert client.get(topic.get_public_url()).content.decode().count("every 30s") == 1


def test_a_client_far_behind_catches_up_over_several_polls(client, topic, org, monkeypatch):
    monkeypatch.setattr(topics, "POLL_MAX", 2)
    made = _posts(topic, 3, org)

    first = client.get(_fragment(topic), {"after": 0, "every": 5}, **HTMX).content.decode()
    assert first.count("<article") == 2 and f'value="{made[1].pk}" hx-swap-oob' in first
    rest = client.get(_fragment(topic), {"after": made[1].pk, "every": 5}, **HTMX)
    assert rest.content.decode().count("<article") == 1


def test_the_poll_of_a_held_topic_is_not_found(client, meeting, resident, people):
    held = w.topic(meeting, people.resident, participant=resident, moderation=PostStatus.HELD)
    client.force_login(people.resident)
    assert client.get(_fragment(held), {"after": 0}).status_code == 404


def test_older_posts_load_before_the_first_shown(client, topic, org, people, resident, monkeypatch):
    monkeypatch.setattr(topics, "THREAD_PAGE", 3)
    made = _posts(topic, 8, org)
    page = client.get(topic.get_public_url()).content.decode()
    assert "r第4条" not in page and "r第5条" in page and "查看更早的发言" in page
    assert f'href="{topic.get_public_url()}?before={made[5].pk}"' in page

    older = client.get(_fragment(topic), {"before": made[5].pk}, **HTMX).content.decode()

    assert older.count("<article") == 3 and "r第2条" in older and "r第5条" not in older
    assert f'href="{topic.get_public_url()}?before={made[2].pk}"' in older
    oldest = client.get(_fragment(topic), {"before": made[2].pk}, **HTMX).content.decode()
    assert oldest.count("<article") == 2 and "查看更早的发言" not in oldest
    client.force_login(people.resident)
    browsing = client.get(topic.get_public_url(), {"before": made[5].pk}).content.decode()
    assert "回到最新发言" in browsing and "hx-trigger" not in browsing
    assert 'id="post-form"' in browsing and "hx-post" not in browsing  # posts, then the newest


# --- posting with htmx ------------------------------------------------------------------------
def test_posting_with_htmx_gives_a_fresh_form_and_the_new_posts(client, topic, resident, people):
    seen = w.post(topic, people.secretary, body="看到过的")
    between = w.post(topic, people.secretary, body="别人刚发的")
    client.force_login(people.resident)

    response = client.post(
        reverse("roundtable_public:post_create", args=[topic.pk]),
        {"body": "我的发言", "after": seen.pk},
        **HTMX,
    )

    page = response.content.decode()
    mine = Post.objects.get(body="我的发言")
    assert response.status_code == 200
    assert '<form id="post-form"' in page
    assert "我的发言</p>" in page and "别人刚发的" in page and "看到过的" not in page
    assert f'value="{mine.pk}" hx-swap-oob="true"' in page
    assert "<textarea" in page and "我的发言</textarea>" not in page  # the form is cleared
    assert between.pk < mine.pk


def test_a_bad_post_with_htmx_shows_the_form_with_its_error(client, topic, resident, people):
    client.force_login(people.resident)
    response = client.post(
        reverse("roundtable_public:post_create", args=[topic.pk]),
        {"body": "长" * 1001, "after": 0},
        **HTMX,
    )
    assert response.status_code == 422
    assert "发言最多 1000 个字" in response.content.decode() and not Post.objects.exists()


def test_a_post_after_closing_with_htmx_reloads_the_page_with_the_message(
    client, topic, meeting, resident, people
):
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    client.force_login(people.resident)

    response = client.post(
        reverse("roundtable_public:post_create", args=[topic.pk]), {"body": "晚了"}, **HTMX
    )

    assert response.status_code == 409 and response["HX-Refresh"] == "true"
    assert "已闭会" in client.get(topic.get_public_url()).content.decode()


def test_an_anonymous_htmx_post_is_sent_to_the_sign_in(client, topic):
    response = client.post(
        reverse("roundtable_public:post_create", args=[topic.pk]), {"body": "你好"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/p/roundtable/login/?next=")


def test_staff_post_with_htmx_shows_as_the_community(client, topic, people):
    client.force_login(people.secretary)
    response = client.post(
        reverse("roundtable:post_create", args=[topic.pk]),
        {"body": "社区已联系物业", "on_behalf_of": "", "after": 0},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "社区 · 国奥社区" in page
    assert 'name="on_behalf_of"' in page
