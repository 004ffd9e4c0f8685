"""Two people (or two workers) acting on one partner or one import at once: one outcome stands.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from core.models import AuditEvent
from core.workflow import Conflict
from partners import imports, staff
from partners.models import ImportJob, Partner, PartnerStatus
from partners.tests.test_import import numbered, upload, workbook
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, target, name, first, second):
    """Run two calls in two threads; the second starts once the first is writing its audit row
    (its lock held), and the first keeps the lock a while."""
    original = getattr(target, name)
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow(*args, **kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)
    outcomes = {}

    def run(label, call):
        if label == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            outcomes[label] = call()
        except Conflict as exc:
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
        thread.join(30)
    return outcomes


def test_two_deactivations_at_once_leave_one(org, people, monkeypatch):
    import core.workflow

    partner = f.PartnerFactory(community=org.guoao)
    outcomes = _race(
        monkeypatch,
        core.workflow,
        "audit",
        lambda: staff.partner_deactivate(
            partner=Partner.objects.get(pk=partner.pk), by=people.secretary, reason="搬走了"
        ),
        lambda: staff.partner_deactivate(
            partner=Partner.objects.get(pk=partner.pk), by=people.worker, reason="不合作了"
        ),
    )
    assert isinstance(outcomes["first"], Partner)
    assert "已停用" in outcomes["second"] and "不能停用" in outcomes["second"]
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.INACTIVE and partner.status_reason == "搬走了"
    assert AuditEvent.objects.filter(action="partner.deactivate").count() == 1


def test_two_workers_running_one_import_import_it_once(org, people, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)
    monkeypatch.setattr(imports.transaction, "on_commit", lambda call: None)  # no eager run
    job = imports.import_start(
        by=people.secretary, community=org.guoao, uploaded_file=upload(workbook(numbered(5)))
    )
    assert job.status == "queued"

    outcomes = _race(
        monkeypatch,
        imports,
        "audit",
        lambda: imports.import_run(job_id=job.pk),
        lambda: imports.import_run(job_id=job.pk),
    )

    assert outcomes == {"first": "done", "second": "done"}
    assert Partner.objects.filter(community=org.guoao).count() == 5
    assert ImportJob.objects.get().created == 5
    assert AuditEvent.objects.filter(action="partner.import").count() == 1
