"""Two people acting on one project at once: one outcome stands, the other gets a clear message.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from accounts.roles import Role
from core.workflow import Conflict
from projects import services
from projects.models import Project, ProjectEvent, Status
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, first, second):
    """Run two service calls in two threads. The second starts only once the first holds the
    project's row lock (it is writing the timeline event), and the first keeps it a while."""
    original_create = ProjectEvent.objects.create
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_create(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second caller arrives while the first still holds the lock
        return original_create(**kwargs)

    monkeypatch.setattr(ProjectEvent.objects, "create", slow_create)
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


def test_approve_and_return_at_once_leave_one_outcome(org, people, monkeypatch):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    leader_two = f.make_user(Role.STREET_LEADER, org.street_a, username="deputy")
    outcomes = _race(
        monkeypatch,
        lambda: services.project_approve(
            project=Project.objects.get(pk=project.pk), by=people.street
        ),
        lambda: services.project_return(
            project=Project.objects.get(pk=project.pk), by=leader_two, comment="再议"
        ),
    )
    assert outcomes["first"] == "ok"
    assert "已批准" in outcomes["second"] and "请刷新页面" in outcomes["second"]
    project.refresh_from_db()
    assert project.status == Status.APPROVED
    assert list(project.events.values_list("kind", flat=True)) == ["approved"]


def test_double_submit_from_two_phones_submits_once(org, people, monkeypatch):
    project = f.ProjectFactory(community=org.guoao, ready=True)
    outcomes = _race(
        monkeypatch,
        lambda: services.project_submit(
            project=Project.objects.get(pk=project.pk), by=people.secretary
        ),
        lambda: services.project_submit(
            project=Project.objects.get(pk=project.pk), by=people.worker
        ),
    )
    assert outcomes["first"] == "ok" and "待街道审核" in outcomes["second"]
    assert project.events.filter(kind="submitted").count() == 1
