"""Two district staff moving people between classes at once: a class never passes twelve, and
two moves in opposite directions both go through instead of deadlocking.

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.roles import Role
from tests import factories as f
from training import services
from training.models import MAX_CLASS, Attendance, Session
from training.tests import factories as tf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run(calls, *, wait_for=None):
    """Run each call in its own thread and connection; each outcome ("ok" or the message).
    With `wait_for`, every call but the first starts only once that event is set."""
    outcomes = [None] * len(calls)

    def run(index, call):
        if index and wait_for is not None:
            assert wait_for.wait(10), "the first call never reached its write"
        try:
            call()
            outcomes[index] = "ok"
        except ValidationError as exc:
            outcomes[index] = exc.messages[0]
        except Exception as exc:  # noqa: BLE001 - a deadlock is what the test looks for
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.fixture
def month(org, people):
    """Two classes of one cohort's month with a secretary each, and a class of eleven."""
    one = tf.cohorts(org.district)[0]
    days = tf.working_days(tf.month_of_cohort(1), 3)

    def klass(day, users):
        return tf.session(
            org.district, by=people.district, cohort=one, starts_at=tf.at(day), people=users
        )

    first = klass(days[0], [people.secretary])
    second = klass(days[1], [people.secretary_haiyun])
    eleven = klass(days[2], [f.make_user(Role.SECRETARY, org.yuehai) for _ in range(11)])
    return first, second, eleven


def _move(people, session, target):
    attendance = Attendance.objects.get(session=session)
    return lambda: services.attendee_move(
        by=people.district, attendance=attendance, to=Session.objects.get(pk=target.pk)
    )


def test_two_moves_into_the_last_seat_leave_twelve(people, month, monkeypatch):
    first, second, eleven = month
    lock_held = threading.Event()
    first_thread: dict = {}
    original_audit = services.audit

    def slow_audit(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second move arrives while the first still holds the class
        return original_audit(**kwargs)

    monkeypatch.setattr(services, "audit", slow_audit)
    move_first = _move(people, first, eleven)

    def first_call():
        first_thread["id"] = threading.get_ident()
        move_first()

    outcomes = _run([first_call, _move(people, second, eleven)], wait_for=lock_held)

    assert outcomes[0] == "ok"
    assert outcomes[1] == f"{eleven.title}已满{MAX_CLASS}人。"
    assert eleven.attendances.count() == MAX_CLASS
    assert second.attendances.count() == 1


def test_two_people_swapped_between_classes_at_once_both_move(people, month, monkeypatch):
    """Each move has locked its attendance when both go for the other's class."""
    first, second, _ = month
    both_locked = threading.Barrier(2)
    manager = Session.objects
    original = manager.select_for_update

    def meet_then_lock(*args, **kwargs):
        both_locked.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(manager, "select_for_update", meet_then_lock)

    outcomes = _run([_move(people, first, second), _move(people, second, first)])

    assert outcomes == ["ok", "ok"]
    assert list(first.attendances.values_list("user_id", flat=True)) == [people.secretary_haiyun.pk]
    assert list(second.attendances.values_list("user_id", flat=True)) == [people.secretary.pk]
