"""Two residents taking the last place at once: one gets it, the other the waiting list.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from signups import services
from signups.models import SignUp

from .factories import announced_project, session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_last_place_is_never_sold_twice(org, people, monkeypatch):
    feast = session(announced_project(org, people), people, capacity=1)
    original_create = SignUp.objects.create
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_create(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second resident arrives while the first holds the session
        return original_create(**kwargs)

    monkeypatch.setattr(SignUp.objects, "create", slow_create)
    statuses = {}

    def run(name, phone):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first sign-up never reached its write"
        try:
            signup, _ = services.signup_create(activity_id=feast.pk, name=name, phone=phone)
            statuses[name] = signup.status
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", "13900000001")),
        threading.Thread(target=run, args=("second", "13900000002")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert statuses == {"first": "confirmed", "second": "waiting"}
    assert feast.signups.confirmed().count() == 1


def test_the_same_phone_twice_at_once_signs_up_once(org, people, monkeypatch):
    feast = session(announced_project(org, people), people, capacity=5)
    outcomes = []

    def run():
        try:
            services.signup_create(activity_id=feast.pk, name="张", phone="13900000001")
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the refusal's message is what is compared
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(outcomes) == ["ValidationError", "ValidationError", "ok"]
    assert feast.signups.count() == 1
