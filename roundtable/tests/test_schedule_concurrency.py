"""Two daily jobs at once on PostgreSQL: each meeting is made once, each reminder sent once.

Runs on PostgreSQL only: concurrent unique checks and row locks mean nothing on SQLite.
"""

import datetime
import threading

import pytest
from django.db import connection

from core import sms
from core.models import Notification
from roundtable import meetings, reminders, schedule
from roundtable.models import Meeting, Reminder
from roundtable.tests.test_meetings import follower, topic

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = datetime.date


def _together(calls):
    """Run the calls in threads, each on its own connection; the result or exception of each."""
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # the test reads what each caller got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_jobs_at_once_make_each_meeting_once(org, monkeypatch):
    real = meetings.scheduled_date
    both_found_none = threading.Barrier(2, timeout=20)
    waited = set()

    def slow(month, **kwargs):
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_found_none.wait()  # both have read that no meeting exists, and go on to insert
        return real(month, **kwargs)

    monkeypatch.setattr(meetings, "scheduled_date", slow)

    results = _together([lambda: schedule.roundtable_daily(D(2027, 3, 2))] * 2)

    assert all(isinstance(r, dict) and r["errors"] == 0 for r in results), results
    assert sum(r["meetings_created"] for r in results) == 6
    assert Meeting.objects.count() == 6
    assert Meeting.objects.filter(month=D(2027, 3, 1)).count() == 3


def test_two_jobs_at_once_remind_each_person_once(org, people, monkeypatch):
    meeting = Meeting.objects.create(community=org.guoao, month=D(2027, 3, 1), date=D(2027, 3, 17))
    topic(meeting, people.secretary)
    fans = [follower(org.guoao, phone=f"1390000000{n}") for n in range(1, 5)]
    sms.outbox.clear()
    real = reminders.followers
    both_listed = threading.Barrier(2, timeout=20)

    def listed(community_id):
        rows = list(real(community_id))
        if community_id == org.guoao.pk:
            both_listed.wait()  # both runs hold the same list and start claiming at once
        return rows

    monkeypatch.setattr(reminders, "followers", listed)

    results = _together([lambda: schedule.roundtable_daily(D(2027, 3, 16))] * 2)

    assert all(isinstance(r, dict) and r["errors"] == 0 for r in results), results
    assert sum(r["residents_reminded"] for r in results) == len(fans)
    # 国奥's secretary and worker, 海韵's and 悦海's secretaries (the job made their meetings).
    assert sum(r["staff_reminded"] for r in results) == 4
    ours = [m for m in sms.outbox if m.params["community"] == "国奥社区"]
    assert sorted(m.phone for m in ours) == sorted(p.user.phone.full for p in fans)
    key = reminders.meeting_key(meeting)
    assert Reminder.objects.filter(key=key).count() == len(fans) + 2
    assert Notification.objects.filter(
        event="roundtable.meeting_tomorrow", recipient__in=[p.user for p in fans]
    ).count() == len(fans)
    sms.outbox.clear()
