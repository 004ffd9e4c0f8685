"""Two workers filing one suggestion at once: one outcome stands, the other is told it was
handled. PostgreSQL only: select_for_update does nothing on SQLite."""

import threading
import time

import pytest
from django.db import connection

from core.workflow import Conflict
from needs.models import Need, NeedMention
from outreach import services
from outreach.models import Suggestion
from tests import factories as f

from .factories import SuggestionBoxFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_filing_one_suggestion_leave_one_result(org, people, monkeypatch):
    box = SuggestionBoxFactory(building=org.household.building, created_by=people.secretary)
    suggestion, _ = services.suggestion_submit(text="楼道灯坏了", box=box)
    first_need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    second_need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    original = services.need_mention
    first_thread: dict = {}
    lock_held = threading.Event()

    def slow_mention(**kwargs):
        if threading.get_ident() == first_thread.get("id"):
            lock_held.set()
            time.sleep(0.5)  # the second worker arrives while the first holds the row
        return original(**kwargs)

    monkeypatch.setattr(services, "need_mention", slow_mention)
    outcomes = {}

    def run(name, by, need):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert lock_held.wait(10), "the first call never reached its write"
        try:
            services.suggestion_file(
                suggestion=Suggestion.objects.get(pk=suggestion.pk), need=need, by=by
            )
            outcomes[name] = "ok"
        except Conflict as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", people.secretary, first_need)),
        threading.Thread(target=run, args=("second", people.worker, second_need)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert outcomes["first"] == "ok"
    assert "已记入需求" in outcomes["second"]
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.need_id) == ("filed", first_need.pk)
    assert NeedMention.objects.filter(origin=f"outreach.suggestion:{suggestion.pk}").count() == 1
    assert Need.objects.get(pk=second_need.pk).mentions == 1
