"""Two moderators at once: one outcome, counted once (roundtable/moderation.py).

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

import core.workflow
from roundtable import moderation
from roundtable.models import Post, PostStatus, SensitiveWord, Topic
from roundtable.tests import world_moderation as w

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, module, first, second):
    """Run two calls in two threads. The second starts only once the first holds its lock (it
    is writing its audit row, through `module.audit`), and the first keeps it a while."""
    original = module.audit
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_audit(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second caller arrives while the first still holds the lock
        return original(**kwargs)

    monkeypatch.setattr(module, "audit", slow_audit)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            call()
            outcomes[name] = "ok"
        except ValidationError as exc:  # Conflict included
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first)),
        threading.Thread(target=run, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


def test_two_moderators_hiding_one_post_uncount_it_once(org, people, monkeypatch):
    meeting = w.meeting(org.guoao)
    by = {"participant": w.resident_participant(org, people), "author": people.resident}
    topic = w.topic(meeting, posts_count=2, **by)
    post = w.post(topic, **by)
    w.post(topic, "另一条发言", **by)

    outcomes = _race(
        monkeypatch,
        core.workflow,
        lambda: moderation.post_hide(
            post=Post.objects.get(pk=post.pk), by=people.secretary, reason="人身攻击"
        ),
        lambda: moderation.post_hide(
            post=Post.objects.get(pk=post.pk), by=people.district, reason="广告内容"
        ),
    )

    assert outcomes["first"] == "ok"
    assert "已隐藏" in outcomes["second"] and "请刷新页面" in outcomes["second"]
    assert Topic.objects.get(pk=topic.pk).posts_count == 1
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.hidden_reason == "人身攻击"


def test_publish_and_hide_at_once_leave_a_right_count(org, people, monkeypatch):
    meeting = w.meeting(org.guoao)
    by = {"participant": w.resident_participant(org, people), "author": people.resident}
    topic = w.topic(meeting, posts_count=0, **by)
    held = w.post(topic, "物业乱收费", PostStatus.HELD, **by)

    outcomes = _race(
        monkeypatch,
        core.workflow,
        lambda: moderation.post_publish(post=Post.objects.get(pk=held.pk), by=people.secretary),
        lambda: moderation.post_hide(
            post=Post.objects.get(pk=held.pk), by=people.worker, reason="广告内容"
        ),
    )

    # The hide waits for the publish, then hides a published post: counted, then uncounted.
    assert outcomes == {"first": "ok", "second": "ok"}
    assert Topic.objects.get(pk=topic.pk).posts_count == 0
    held.refresh_from_db()
    assert held.status == PostStatus.HIDDEN


def test_two_additions_at_once_never_pass_the_limit(org, people, monkeypatch):
    SensitiveWord.objects.bulk_create(
        SensitiveWord(district=org.district, word=f"词{n}") for n in range(moderation.WORDS_MAX - 1)
    )

    outcomes = _race(
        monkeypatch,
        moderation,
        lambda: moderation.word_add(district=org.district, by=people.district, words="新词甲"),
        lambda: moderation.word_add(district=org.district, by=people.district, words="新词乙"),
    )

    assert outcomes["first"] == "ok" and "最多 500 个" in outcomes["second"]
    assert SensitiveWord.objects.count() == moderation.WORDS_MAX
