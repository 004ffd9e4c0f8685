"""Supports and posts at once (roundtable/topics.py): the counters kept on the topic stay right
and a double support leaves one row. The second caller starts only once the first holds the
topic's lock (it is writing its row) and the first keeps it a while.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from accounts.roles import Role
from core.workflow import Conflict
from roundtable import topics
from roundtable.models import Post, Support, Topic
from roundtable.tests import world_topics as w
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, model, first, second):
    """Run two calls in two threads; the second starts once the first is creating its `model`
    row (inside the locks) and the first then sleeps before going on."""
    original = model.objects.create
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_create(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second caller arrives while the first holds the locks
        return original(**kwargs)

    monkeypatch.setattr(model.objects, "create", slow_create)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            call()
            outcomes[name] = "ok"
        except Conflict as exc:
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


@pytest.fixture
def topic(org, people):
    return w.topic(w.meeting(org.guoao), people.secretary)


def _resident(org, username, name):
    user = f.make_user(Role.RESIDENT, org.guoao, username=username)
    w.participant(org.guoao, user, name=name, building=org.household.building)
    return user


def test_two_residents_supporting_at_once_are_both_counted(org, topic, monkeypatch):
    one, two = _resident(org, "one", "张三"), _resident(org, "two", "李四")

    outcomes = _race(
        monkeypatch,
        Support,
        lambda: topics.topic_support(topic=Topic.objects.get(pk=topic.pk), by=one),
        lambda: topics.topic_support(topic=Topic.objects.get(pk=topic.pk), by=two),
    )

    assert outcomes == {"first": "ok", "second": "ok"}
    assert Topic.objects.get(pk=topic.pk).supports == 2 == Support.objects.count()


def test_one_resident_supporting_twice_at_once_counts_once(org, topic, monkeypatch):
    one = _resident(org, "one", "张三")

    outcomes = _race(
        monkeypatch,
        Support,
        lambda: topics.topic_support(topic=Topic.objects.get(pk=topic.pk), by=one),
        lambda: topics.topic_support(topic=Topic.objects.get(pk=topic.pk), by=one),
    )

    assert outcomes == {"first": "ok", "second": "您已经附议过这个议题。"}
    assert Topic.objects.get(pk=topic.pk).supports == 1 == Support.objects.count()


def test_two_posts_at_once_are_both_counted(org, topic, people, monkeypatch):
    one = _resident(org, "one", "张三")

    outcomes = _race(
        monkeypatch,
        Post,
        lambda: topics.post_create(topic=Topic.objects.get(pk=topic.pk), by=one, body="同意"),
        lambda: topics.post_create(
            topic=Topic.objects.get(pk=topic.pk), by=people.secretary, body="社区跟进"
        ),
    )

    assert outcomes == {"first": "ok", "second": "ok"}
    assert Topic.objects.get(pk=topic.pk).posts_count == 2 == Post.objects.count()
