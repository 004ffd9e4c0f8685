"""Two residents claiming one plot at once: one claim stands, the other is told it is taken.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from core.workflow import Conflict
from scenes import services
from scenes.models import Claim, MicroProject
from scenes.tests.factories import MicroProjectFactory
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_claims_at_once_leave_one_live_claim(monkeypatch):
    compound = f.CompoundFactory()
    secretary = f.UserFactory()
    plot = MicroProjectFactory(compound=compound, created_by=secretary)
    original_create = Claim.objects.create
    first: dict = {}
    lock_held = threading.Event()

    def slow_create(**kwargs):
        if threading.get_ident() == first.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second arrives while the first holds the plot's row
        return original_create(**kwargs)

    monkeypatch.setattr(Claim.objects, "create", slow_create)
    outcomes = {}

    def run(name, phone):
        if name == "first":
            first["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first claim never reached its write"
        try:
            services.micro_claim_by_resident(micro=plot, name=name, phone=phone, consent=True)
            outcomes[name] = "ok"
        except Conflict as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", "13900007777")),
        threading.Thread(target=run, args=("second", "13900008888")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert outcomes["first"] == "ok"
    assert "已认领" in outcomes["second"]
    assert Claim.objects.live().get().name == "first"
    assert MicroProject.objects.get().status == MicroProject.Status.CLAIMED
