"""Two people acting on one nomination or one project at once: one outcome stands, the other gets
a clear message. PostgreSQL only: select_for_update does nothing on SQLite."""

import threading
import time

import pytest
from django.db import connection

from core.workflow import Conflict
from library import services
from library.models import LibraryEntry, Nomination
from library.workflow import NOMINATION_WORKFLOW

from . import factories as lf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(first, second, *, pause):
    """Run two calls in two threads; the second starts once the first is inside `pause` (holding
    its lock), and the first stays there a while."""
    first_thread: dict = {}
    lock_held = threading.Event()
    original = pause["target"]

    def slow(*args, **kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)
        return original(*args, **kwargs)

    pause["install"](slow)
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


def test_two_street_members_nominating_one_project_at_once_leave_one_nomination(
    org, people, monkeypatch
):
    project = lf.completed_project(org.guoao, people)
    item = lf.item()
    outcomes = _race(
        lambda: services.nomination_create(
            by=people.member, project=project, item=item, reason="甲"
        ),
        lambda: services.nomination_create(
            by=people.street, project=project, item=item, reason="乙"
        ),
        pause={
            "target": Nomination.objects.create,
            "install": lambda fn: monkeypatch.setattr(Nomination.objects, "create", fn),
        },
    )
    assert outcomes["first"] == "ok"
    assert "等待区级遴选" in outcomes["second"]
    assert Nomination.objects.filter(project=project).count() == 1


def test_select_and_decline_at_once_leave_one_decision(org, people, monkeypatch):
    from accounts.roles import Role
    from tests import factories as f

    nomination = lf.nomination(lf.completed_project(org.guoao, people), people.member)
    colleague = f.make_user(Role.DISTRICT_STAFF, org.district, username="district2")
    outcomes = _race(
        lambda: services.nomination_select(
            nomination=Nomination.objects.get(pk=nomination.pk),
            by=people.district,
            item=lf.item(),
            reason="好",
            case_study="做法",
        ),
        lambda: services.nomination_decline(
            nomination=Nomination.objects.get(pk=nomination.pk), by=colleague, reason="不好"
        ),
        pause={
            "target": LibraryEntry.objects.create,
            "install": lambda fn: monkeypatch.setattr(LibraryEntry.objects, "create", fn),
        },
    )
    assert outcomes["first"] == "ok"
    assert "已入库" in outcomes["second"] and "请刷新页面" in outcomes["second"]
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SELECTED
    assert LibraryEntry.objects.count() == 1
    assert NOMINATION_WORKFLOW["select"].target == Nomination.Status.SELECTED
