"""A judge's sheet sent from two phones at once, and the district reopening a sheet while its judge
saves: one outcome, one sheet. PostgreSQL only (select_for_update does nothing on SQLite)."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from scoring import services
from scoring.models import Entry, Score, ScoreSheet, SheetStatus
from scoring.tests import factories as sf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, first, second):
    """Two calls in two threads; the second starts once the first holds the entry's lock (it is
    writing a score) and the first keeps it a while."""
    original = Score.objects.create
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_create(**kwargs):
        if threading.get_ident() == first_thread.get("id") and not lock_held.is_set():
            lock_held.set()
            time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(Score.objects, "create", slow_create)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            call()
            outcomes[name] = "ok"
        except ValidationError as exc:
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


def test_two_phones_submitting_one_sheet_leave_one_submitted_sheet(org, people, monkeypatch):
    round_obj = sf.round_(people.district)
    entry = sf.entry(round_obj, sf.retrospected(org.guoao, people.secretary), people.district)
    sf.judge(round_obj, people.judge, people.district)
    criteria = list(round_obj.rubric.criteria.all())

    def submit(points):
        return lambda: services.sheet_save(
            entry=Entry.objects.get(pk=entry.pk),
            by=people.judge,
            points={c.pk: Decimal(points) for c in criteria},
            submit=True,
        )

    outcomes = _race(monkeypatch, submit("5"), submit("6"))

    assert outcomes["first"] == "ok"
    assert "已提交" in outcomes["second"]
    sheet = ScoreSheet.objects.get()
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, Decimal("25"))
    assert Score.objects.count() == len(criteria)
