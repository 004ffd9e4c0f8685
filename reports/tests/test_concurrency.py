"""Two people acting on one street's report at once get one outcome. Runs on PostgreSQL only:
select_for_update does nothing on SQLite."""

import threading
import time

import pytest
from django.db import connection

from accounts.roles import Role
from core.workflow import Conflict
from reports import services
from reports.models import HalfYearReport, Period, ReportEvent, ReportStatus
from tests import factories as f

from .factories import ReportFactory, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(first_call, second_call, slow_target, slow_name, monkeypatch) -> dict:
    """Run two calls in threads; the first pauses inside `slow_name` of `slow_target` while it
    holds the lock, and the second starts only then."""
    original = getattr(slow_target, slow_name)
    first: dict = {}
    lock_held = threading.Event()

    def slow(*args, **kwargs):
        if threading.get_ident() == first.get("id"):
            lock_held.set()
            time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(slow_target, slow_name, slow)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            outcomes[name] = call()
        except Conflict as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first_call)),
        threading.Thread(target=run, args=("second", second_call)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


def test_two_drafters_starting_the_same_report_at_once_make_one(monkeypatch):
    street = f.StreetFactory()
    leader = f.make_user(Role.STREET_LEADER, street)
    member = f.make_user(Role.STREET_MEMBER, street)
    period = Period(2026, 1)

    outcomes = _race(
        lambda: services.report_start(street=street, period=period, by=leader)[1],
        lambda: services.report_start(street=street, period=period, by=member)[1],
        services,
        "report_figures",
        monkeypatch,
    )

    assert outcomes == {"first": True, "second": False}
    assert HalfYearReport.objects.get().created_by == leader


def test_returning_and_accepting_at_once_leave_one_decision(monkeypatch):
    street = f.StreetFactory()
    leader = f.make_user(Role.STREET_LEADER, street)
    one, two = (f.make_user(Role.DISTRICT_STAFF, street.district) for _ in range(2))
    report = submitted(ReportFactory(street=street, created_by=leader), leader)

    outcomes = _race(
        lambda: services.report_return(report=report, by=one, comment="请补充").status,
        lambda: services.report_accept(report=report, by=two).status,
        ReportEvent.objects,
        "create",
        monkeypatch,
    )

    assert outcomes["first"] == ReportStatus.RETURNED
    assert "当前状态为“已退回修改”" in outcomes["second"]
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.reviewed_by == one
    assert list(report.events.values_list("kind", flat=True)) == ["returned"]
