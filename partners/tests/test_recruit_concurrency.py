"""Two posts at once: the same phone applying twice leaves one application (counted twice); two
secretaries approving at once leave one partner and one account.

Runs on PostgreSQL only: select_for_update and the waiting on a unique index do nothing on SQLite.
"""

import threading
import time

import pytest
from django.db import connection

from accounts.models import User
from core.workflow import Conflict
from partners import recruitment
from partners.models import Application, Partner

from .test_recruit_services import form_data, make_call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(first, second, *, slow, monkeypatch, target):
    """Run two calls in two threads; the second starts once the first reached `target` (a
    function it calls while holding what it locked), and the first then waits a while."""
    reached = threading.Event()
    first_thread: dict = {}
    original = getattr(slow, target)

    def slowed(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.get_ident() == first_thread.get("id"):
            reached.set()
            time.sleep(0.5)
        return result

    monkeypatch.setattr(slow, target, slowed)
    outcomes = {}

    def run(name, call):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert reached.wait(10), "the first call never got there"
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


def test_the_same_phone_applying_twice_at_once_leaves_one_application(org, people, monkeypatch):
    call = make_call(org, people)
    outcomes = _race(
        lambda: recruitment.application_submit(call=call, data=form_data(call)),
        lambda: recruitment.application_submit(call=call, data=form_data(call)),
        slow=recruitment,
        target="_tell_staff_of_new",  # the first has inserted its row and not yet committed
        monkeypatch=monkeypatch,
    )
    assert outcomes["first"][1] is False and outcomes["second"][1] is True
    assert Application.objects.count() == 1
    assert Application.objects.get().times == 2


def test_two_secretaries_approving_at_once_make_one_partner(org, people, monkeypatch):
    call = make_call(org, people)
    application, _ = recruitment.application_submit(call=call, data=form_data(call))
    outcomes = _race(
        lambda: recruitment.application_approve(
            application=Application.objects.get(pk=application.pk), by=people.secretary
        ),
        lambda: recruitment.application_approve(
            application=Application.objects.get(pk=application.pk), by=people.worker
        ),
        slow=recruitment,
        target="_partner_role",
        monkeypatch=monkeypatch,
    )
    assert isinstance(outcomes["first"], Partner)
    assert "已通过" in outcomes["second"] and "请刷新页面" in outcomes["second"]
    assert Partner.objects.count() == 1
    assert User.objects.filter(phone_hash=Partner.objects.get().phone_hash).count() == 1
