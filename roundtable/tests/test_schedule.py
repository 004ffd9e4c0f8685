"""The round table's daily job (roundtable/schedule.py): every community's meetings of this month
and the next, the holiday shift, catching up, running twice; its Celery task and its command."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent, CalendarDay
from roundtable import schedule
from roundtable.models import CommunitySettings, Meeting

pytestmark = pytest.mark.django_db
D = datetime.date


def dates(month):
    return dict(Meeting.objects.filter(month=month).values_list("community__name", "date"))


def test_every_community_gets_this_months_and_next_months_meeting(org):
    counts = schedule.roundtable_daily(D(2027, 3, 2))

    assert counts["meetings_created"] == 6 and counts["errors"] == 0
    assert dates(D(2027, 3, 1)) == {
        name: D(2027, 3, 17) for name in ("国奥社区", "海韵社区", "悦海社区")
    }
    assert dates(D(2027, 4, 1)) == {
        name: D(2027, 4, 17) for name in ("国奥社区", "海韵社区", "悦海社区")
    }
    meeting = Meeting.objects.get(community=org.guoao, month=D(2027, 3, 1))
    assert (meeting.starts_at, meeting.place, meeting.moved_reason) == (datetime.time(19), "", "")
    assert meeting.status == Meeting.Status.SCHEDULED and meeting.reminded_at is None
    assert AuditEvent.objects.filter(action="meeting.create").count() == 6


def test_running_twice_makes_nothing_twice(org):
    schedule.roundtable_daily(D(2027, 3, 2))
    rows = sorted(Meeting.objects.values_list("pk", "community_id", "month", "date"))
    again = schedule.roundtable_daily(D(2027, 3, 2))
    assert again["meetings_created"] == 0 and again["meetings_existing"] == 6
    assert sorted(Meeting.objects.values_list("pk", "community_id", "month", "date")) == rows


def test_a_missed_day_catches_up_and_the_25th_still_makes_next_months(org):
    counts = schedule.roundtable_daily(D(2027, 3, 25))
    assert counts["meetings_created"] == 6
    assert Meeting.objects.filter(month=D(2027, 4, 1)).count() == 3
    # A month later the April ones exist already; May's are new.
    counts = schedule.roundtable_daily(D(2027, 4, 30))
    assert (counts["meetings_created"], counts["meetings_existing"]) == (3, 3)


def test_the_holiday_shift_moves_the_17th_to_the_next_working_day(org):
    CalendarDay.objects.create(date=D(2027, 3, 17), kind="holiday", name="测试假日")
    CommunitySettings.objects.create(
        community=org.guoao, holiday_shift=True, starts_at=datetime.time(18, 30), place="议事厅"
    )

    schedule.roundtable_daily(D(2027, 3, 1))

    march = Meeting.objects.get(community=org.guoao, month=D(2027, 3, 1))
    assert (march.date, march.moved_reason) == (D(2027, 3, 18), "holiday")
    assert (march.starts_at, march.place) == (datetime.time(18, 30), "议事厅")
    # 17 April 2027 is a Saturday.
    april = Meeting.objects.get(community=org.guoao, month=D(2027, 4, 1))
    assert (april.date, april.moved_reason) == (D(2027, 4, 19), "holiday")
    # A community without the setting meets on the 17th whatever the day.
    assert dates(D(2027, 3, 1))["海韵社区"] == D(2027, 3, 17)
    assert dates(D(2027, 4, 1))["海韵社区"] == D(2027, 4, 17)


def test_a_failing_step_is_counted_and_the_rest_goes_on(org, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("roundtable.meetings.meetings_ensure", broken)
    counts = schedule.roundtable_daily(D(2027, 3, 2))
    assert counts["errors"] == 1 and counts["meetings_created"] == 0


def test_the_celery_task_runs_the_job(org):
    from roundtable.tasks_schedule import roundtable_daily

    result = roundtable_daily.delay("2027-03-02").get()
    assert result["meetings_created"] == 6
    assert roundtable_daily.name == "roundtable.tasks_schedule.roundtable_daily"


def test_the_command_prints_the_counts_in_chinese(org):
    out = StringIO()
    call_command("roundtable_daily", "--date", "2027-03-02", stdout=out)
    text = out.getvalue()
    assert "2027-03-02 圆桌会每日任务" in text and "新建圆桌会 6 个" in text
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("roundtable_daily", "--date", "2027-3")


def test_beat_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["roundtable-daily"]
    assert entry["task"] == "roundtable.tasks_schedule.roundtable_daily"
