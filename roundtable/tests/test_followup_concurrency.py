"""Two people following up one topic at once: the topic's row lock makes one outcome stand.

Runs on PostgreSQL only (select_for_update does nothing on SQLite):
DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/rt_follow.
"""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from core.workflow import Conflict
from needs.models import Need
from roundtable import followup
from roundtable.models import Resolution, ResolutionStatus, Topic, TopicStatus
from roundtable.tests.world_followup import meeting, resolution, topic

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(first, second, *, hold):
    """Run two calls in two threads; the second starts only once the first is inside `hold`
    (a patched step it reaches while holding the topic's lock), which it then keeps a while."""
    first_thread: dict = {}
    inside = threading.Event()

    def holding(original):
        def wrapper(*args, **kwargs):
            if threading.get_ident() == first_thread.get("id"):
                inside.set()
                time.sleep(0.5)  # the second caller arrives while the first still holds the lock
            return original(*args, **kwargs)

        return wrapper

    hold(holding)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert inside.wait(10), "the first call never reached its locked step"
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
def resolved(org, people):
    t = topic(
        meeting(org.guoao, datetime.date(2025, 7, 1)), people.secretary, status=TopicStatus.RESOLVED
    )
    return t, resolution(t, people.secretary), resolution(t, people.secretary, responsible="业委会")


def test_the_last_two_resolutions_done_at_once_solve_the_topic(resolved, people, monkeypatch):
    t, one, two = resolved
    manager = Resolution.objects
    original = manager.filter

    def hold(wrap):
        monkeypatch.setattr(manager, "filter", wrap(original))

    outcomes = _race(
        lambda: followup.resolution_done(resolution=one, by=people.secretary, note="已办"),
        lambda: followup.resolution_done(resolution=two, by=people.worker, note="已办"),
        hold=hold,
    )

    assert outcomes == {"first": "ok", "second": "ok"}
    t.refresh_from_db()
    assert t.status == TopicStatus.SOLVED and t.solved_at is not None
    assert set(Resolution.objects.values_list("status", flat=True)) == {ResolutionStatus.DONE}


def test_turning_a_topic_into_a_need_twice_at_once_makes_one_need(org, people, monkeypatch):
    t = topic(meeting(org.guoao, datetime.date(2025, 7, 1)), people.secretary)

    def hold(wrap):
        monkeypatch.setattr(followup, "need_create", wrap(followup.need_create))

    outcomes = _race(
        lambda: followup.topic_to_need(topic=t, by=people.secretary),
        lambda: followup.topic_to_need(topic=Topic.objects.get(pk=t.pk), by=people.worker),
        hold=hold,
    )

    assert outcomes["first"] == "ok" and "不能重复转入" in outcomes["second"]
    assert Need.objects.count() == 1
    t.refresh_from_db()
    assert t.need == Need.objects.get()


def test_set_aside_while_a_resolution_is_recorded_leaves_one_outcome(org, people, monkeypatch):
    t = topic(meeting(org.guoao, datetime.date(2025, 7, 1)), people.secretary)
    manager = Resolution.objects
    original = manager.create

    def hold(wrap):
        monkeypatch.setattr(manager, "create", wrap(original))

    outcomes = _race(
        lambda: followup.resolution_add(
            topic=t,
            by=people.secretary,
            action="关闭音响",
            responsible="物业",
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        ),
        lambda: followup.topic_set_aside(topic=t, by=people.worker, reason="重复"),
        hold=hold,
    )

    assert outcomes["first"] == "ok" and "已形成决议" in outcomes["second"]
    t.refresh_from_db()
    assert t.status == TopicStatus.RESOLVED and t.resolutions.count() == 1
