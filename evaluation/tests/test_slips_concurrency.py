"""Two people printing or voiding the same slips at once: one outcome stands, the other gets a
clear message. Runs on PostgreSQL only: select_for_update does nothing on SQLite."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Household
from evaluation import slips
from evaluation.models import CodeBatch

from .slip_factories import batch as make_batch
from .slip_factories import building_with_households

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, target, name, first, second):
    """Run two calls in two threads; the second starts only once the first is inside
    `target.name` (past its lock), and the first stays there a while."""
    original = getattr(target, name)
    first_thread: dict = {}
    inside = threading.Event()

    def slow(*args, **kwargs):
        if threading.get_ident() == first_thread.get("id"):
            inside.set()
            time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)
    outcomes = {}

    def run(label, call):
        if label == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert inside.wait(10), "the first call never got past its lock"
        try:
            call()
            outcomes[label] = "ok"
        except ValidationError as exc:  # Conflict included
            outcomes[label] = exc.messages[0]
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
def no_task(monkeypatch):
    from evaluation import tasks

    monkeypatch.setattr(tasks.render_code_slips, "delay", lambda batch_id: None)


def test_two_presses_of_print_at_once_make_one_batch(org, people, monkeypatch, no_task):
    tower = building_with_households(org.compound, "5号楼")

    def press(by):
        return lambda: slips.batch_create(
            community=org.guoao, compound=org.compound, building=tower, by=by
        )

    outcomes = _race(
        monkeypatch, slips, "_live_overlap", press(people.secretary), press(people.worker)
    )

    assert outcomes["first"] == "ok"
    assert "已有一批户码条" in outcomes["second"]
    assert CodeBatch.objects.count() == 1


def test_two_voids_at_once_renew_the_codes_once_and_reissue_once(org, people, monkeypatch, no_task):
    tower = building_with_households(org.compound, "5号楼")
    batch = make_batch(people, org.compound, tower)
    before = dict(Household.objects.filter(building=tower).values_list("pk", "code"))

    def void(by, reason):
        return lambda: slips.batch_void(
            batch=CodeBatch.objects.get(pk=batch.pk), reason=reason, by=by
        )

    outcomes = _race(
        monkeypatch,
        slips,
        "_renew_codes",
        void(people.secretary, "丢失"),
        void(people.worker, "被拿走"),
    )

    assert outcomes["first"] == "ok"
    assert "已作废" in outcomes["second"] and "请刷新页面" in outcomes["second"]
    batch.refresh_from_db()
    assert batch.void_reason == "丢失"
    assert CodeBatch.objects.filter(replaces=batch).count() == 1
    after = dict(Household.objects.filter(building=tower).values_list("pk", "code"))
    assert all(after[pk] != before[pk] for pk in before)
