"""Two people acting on the same needs at once: one outcome stands, the other gets a clear
message, and the counts stay the sum of the sources.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from needs import hooks, services
from needs.models import Need, NeedMention, ensure_categories

from .factories import need

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _categories(transactional_db):
    ensure_categories()  # a flushed database has lost migration 0004's rows


def _race(monkeypatch, first, second):
    """Run two service calls in two threads. The second starts only once the first holds its row
    locks (it is running the merge hooks), and the first keeps them a while."""
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_hook(old, new, by):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second caller arrives while the first still holds the locks

    monkeypatch.setattr(hooks, "MERGE_HOOKS", [*hooks.MERGE_HOOKS, slow_hook])
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its hooks"
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


def _sum(n):
    return NeedMention.objects.filter(need=n).aggregate(s=Sum("count"))["s"] or 0


def test_two_opposite_merges_of_the_same_pair_leave_one_merge(org, people, monkeypatch):
    a, b = need(org.guoao, mentions=2), need(org.guoao, mentions=3)
    outcomes = _race(
        monkeypatch,
        lambda: services.need_merge(old=a, new=b, by=people.secretary),
        lambda: services.need_merge(old=b, new=a, by=people.worker),
    )
    assert outcomes["first"] == "ok"
    assert "已被删除或合并" in outcomes["second"]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.merged_into == b and b.deleted_at is None
    assert b.mentions == 5 == _sum(b)


def test_two_merges_into_different_needs_move_the_sources_once(org, people, monkeypatch):
    old, x, y = need(org.guoao, mentions=4), need(org.guoao), need(org.guoao)
    outcomes = _race(
        monkeypatch,
        lambda: services.need_merge(old=old, new=x, by=people.secretary),
        lambda: services.need_merge(old=old, new=y, by=people.worker),
    )
    assert outcomes == {"first": "ok", "second": outcomes["second"]}
    assert outcomes["second"] != "ok"
    x.refresh_from_db()
    y.refresh_from_db()
    assert (x.mentions, y.mentions) == (5, 1)
    assert (_sum(x), _sum(y)) == (5, 1)


def test_an_edit_waiting_behind_a_merge_finds_the_need_merged(org, people, monkeypatch):
    old, kept = need(org.guoao), need(org.guoao)
    outcomes = _race(
        monkeypatch,
        lambda: services.need_merge(old=old, new=kept, by=people.secretary),
        lambda: services.need_update(need=old, by=people.worker, data={"title": "改了标题"}),
    )
    assert outcomes["first"] == "ok"
    assert "已被删除" in outcomes["second"]
    old.refresh_from_db()
    assert old.title != "改了标题" and old.merged_into == kept


def test_a_mention_waiting_behind_a_merge_is_refused_and_counts_stay_sums(org, people, monkeypatch):
    old, kept = need(org.guoao, mentions=2), need(org.guoao, mentions=1)
    outcomes = _race(
        monkeypatch,
        lambda: services.need_merge(old=old, new=kept, by=people.secretary),
        lambda: services.need_mention(need=old, by=people.worker, source="other", count=5),
    )
    assert outcomes["first"] == "ok" and outcomes["second"] != "ok"
    kept.refresh_from_db()
    assert kept.mentions == 3 == _sum(kept)
    assert Need.objects.get(pk=old.pk).deleted_at is not None
