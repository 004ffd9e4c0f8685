"""Two people acting on one participation at once: one outcome stands, the other gets a clear
message; a double tap on the registration leaves one account and one participation.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from accounts.models import RoleAssignment, User
from core.workflow import Conflict
from roundtable import participants
from roundtable.models import Participant, ParticipantStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONE = "13900007777"


def _data(org) -> dict:
    household = org.household
    return {
        "name": "李秀英",
        "compound": org.compound,
        "building": household.building,
        "unit": household.unit,
        "room": household.room,
        "follows": True,
        "consent": True,
    }


def _together(*calls):
    """Run the calls in threads that start at the same moment; each outcome or its error."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        start.wait(5)
        try:
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each caller got
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


def test_a_double_tap_on_the_registration_leaves_one_account_and_one_participation(org):
    register = lambda: participants.participant_register(  # noqa: E731
        phone=PHONE, community=org.guoao, data=_data(org)
    )
    outcomes = _together(register, register, register)
    assert all(isinstance(o, participants.Registered) for o in outcomes), outcomes
    assert sorted(o.new for o in outcomes) == [False, False, True]
    assert Participant.objects.count() == 1
    assert User.objects.filter(username__startswith="rt_").count() == 1


def test_verify_and_reject_at_once_leave_one_outcome(org, people, monkeypatch):
    participant = participants.participant_register(
        phone=PHONE, community=org.guoao, data=_data(org)
    ).participant
    original = participants._grant_resident_role
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_grant(account, community_id, by):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second caller arrives while the first still holds the lock
        return original(account, community_id, by)

    monkeypatch.setattr(participants, "_grant_resident_role", slow_grant)
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

    verify = lambda: participants.participant_verify(  # noqa: E731
        participant=Participant.objects.get(pk=participant.pk),
        by=people.secretary,
        household=org.household,
    )
    reject = lambda: participants.participant_reject(  # noqa: E731
        participant=Participant.objects.get(pk=participant.pk), by=people.worker, reason="房号不符"
    )
    threads = [
        threading.Thread(target=run, args=("first", verify)),
        threading.Thread(target=run, args=("second", reject)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert outcomes["first"] == "ok"
    assert "已核实" in outcomes["second"] and "请刷新页面" in outcomes["second"]
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.VERIFIED and participant.status_reason == ""
    assert RoleAssignment.objects.filter(user_id=participant.user_id).count() == 1
