"""Two partners press 认领 on one task at once: one claim stands, the other hears 已被认领.
Likewise two district staff publishing the year's excellent partners at once publish each once.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

import core.workflow
from core.models import AuditEvent
from core.workflow import Conflict
from partners import excellence, practical
from partners.models import Excellent, PracticalTask
from partners.tests.world_task import make_task
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, first, second):
    """Run two service calls in two threads. The second starts only once the first holds the
    row lock (it is writing its audit row), and the first keeps it a while."""
    original_audit = core.workflow.audit
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_audit(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second caller arrives while the first still holds the lock
        return original_audit(**kwargs)

    monkeypatch.setattr(core.workflow, "audit", slow_audit)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            outcomes[name] = call()
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


def test_two_partners_claiming_at_once_leave_one_claim(org, people, monkeypatch):
    task = make_task(org, people)
    mine = f.PartnerFactory(community=org.guoao, user=people.partner, name="张三")
    rival_user = f.make_user("partner", org.guoao, username="rival")
    f.PartnerFactory(community=org.guoao, user=rival_user, name="李四")

    outcomes = _race(
        monkeypatch,
        lambda: (
            practical.task_claim(
                task=PracticalTask.objects.get(pk=task.pk), by=people.partner
            ).claimed_by_id
        ),
        lambda: practical.task_claim(task=PracticalTask.objects.get(pk=task.pk), by=rival_user),
    )

    assert outcomes["first"] == mine.pk
    assert "已被认领" in outcomes["second"]
    task.refresh_from_db()
    assert task.status == PracticalTask.Status.CLAIMED and task.claimed_by == mine
    assert AuditEvent.objects.filter(action="practicaltask.claim").count() == 1


def test_two_district_staff_publishing_at_once_publish_each_once(org, people, monkeypatch):
    year = timezone.localdate().year
    for name in ("张三", "李四"):
        Excellent.objects.create(
            partner=f.PartnerFactory(community=org.guoao, name=name),
            year=year,
            reason="事迹",
            nominated_by=people.secretary,
            status=Excellent.Status.APPROVED,
        )
    colleague = f.make_user("district_staff", org.district, username="district2")

    outcomes = _race(
        monkeypatch,
        lambda: excellence.excellent_publish_year(by=people.district, year=year),
        lambda: excellence.excellent_publish_year(by=colleague, year=year),
    )

    assert outcomes["first"] + outcomes["second"] == 2
    assert Excellent.objects.filter(status=Excellent.Status.PUBLISHED).count() == 2
    assert AuditEvent.objects.filter(action="excellent.publish").count() == 2
