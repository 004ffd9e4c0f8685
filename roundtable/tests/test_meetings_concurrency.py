"""Two people acting on one meeting at once on PostgreSQL: one outcome stands, the other gets a
clear message (the workflow engine locks the meeting's row).

Runs on PostgreSQL only: select_for_update does nothing on SQLite.
"""

import threading
import time

import pytest
from django.utils import timezone

from core.workflow import Conflict
from roundtable import meetings
from roundtable.models import Attendance, Meeting, MeetingStatus, Post
from roundtable.tests.test_meetings import follower, topic
from roundtable.tests.test_schedule_concurrency import _together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _first_holds_the_lock(monkeypatch):
    """The first caller to reach the close's attendance step keeps the meeting locked a while."""
    real = meetings.posters_of_the_day
    first = threading.Lock()

    def slow(meeting):
        if first.acquire(blocking=False):
            time.sleep(0.5)
        return real(meeting)

    monkeypatch.setattr(meetings, "posters_of_the_day", slow)


def test_two_secretaries_closing_at_once_close_once(org, people, monkeypatch):
    meeting = Meeting.objects.create(
        community=org.guoao, month=timezone.localdate().replace(day=1), date=timezone.localdate()
    )
    item = topic(meeting, people.secretary, status="set_aside")
    talker = follower(org.guoao)
    Post.objects.create(topic=item, participant=talker, author=talker.user, body="同意")
    _first_holds_the_lock(monkeypatch)

    results = _together(
        [
            lambda: meetings.meeting_close(
                meeting=Meeting.objects.get(pk=meeting.pk), by=people.secretary, minutes="纪要一"
            ),
            lambda: meetings.meeting_close(
                meeting=Meeting.objects.get(pk=meeting.pk), by=people.worker, minutes="纪要二"
            ),
        ]
    )

    closed = [r for r in results if isinstance(r, Meeting)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(closed) == 1 and len(refused) == 1, results
    assert "已闭会" in refused[0].messages[0] and "请刷新页面" in refused[0].messages[0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.minutes == closed[0].minutes
    assert Attendance.objects.filter(meeting=meeting, participant=talker).count() == 1
