"""The beat schedule kept in-process for the embedded default (core/schedule.py, run_schedule)."""

import datetime
from io import StringIO

import pytest
from celery import current_app
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from core.schedule import InProcessBeat, run_task

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, the schedule's zone


def at(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def beat(started):
    return InProcessBeat(
        {
            "daily": {"task": "t.daily", "schedule": crontab(hour=7, minute=50)},
            "hourly": {"task": "t.hourly", "schedule": crontab(minute=5)},
        },
        started=started,
    )


def test_an_entry_fires_when_its_slot_comes_and_not_again_until_the_next():
    schedule, ran = beat(at(1, 7, 0)), []
    assert schedule.tick(at(1, 7, 4), run=ran.append) == []
    assert schedule.tick(at(1, 7, 5), run=ran.append) == ["hourly"]
    assert schedule.tick(at(1, 7, 49), run=ran.append) == []
    assert schedule.tick(at(1, 7, 50), run=ran.append) == ["daily"]
    assert schedule.tick(at(1, 7, 59), run=ran.append) == []
    assert schedule.tick(at(1, 8, 5), run=ran.append) == ["hourly"]
    assert ran == ["t.hourly", "t.daily", "t.hourly"]


def test_slots_missed_while_asleep_fire_once_on_waking():
    schedule, ran = beat(at(1, 7, 0)), []
    assert sorted(schedule.tick(at(3, 10, 0), run=ran.append)) == ["daily", "hourly"]
    assert ran.count("t.daily") == 1
    # The next daily slot is the next morning, not the ones missed.
    assert schedule.tick(at(3, 23, 0), run=ran.append) == ["hourly"]
    assert schedule.tick(at(4, 7, 49), run=ran.append) == ["hourly"]
    assert schedule.tick(at(4, 7, 50), run=ran.append) == ["daily"]


def test_a_failing_task_is_logged_and_fires_again_at_its_next_slot(caplog):
    schedule = beat(at(1, 7, 0))

    def boom(name):
        raise RuntimeError(name)

    assert schedule.tick(at(1, 7, 5), run=boom) == ["hourly"]
    assert "t.hourly" in caplog.text
    assert schedule.tick(at(1, 7, 6), run=boom) == []
    assert schedule.tick(at(1, 7, 49), run=boom) == []
    assert schedule.tick(at(1, 8, 5), run=boom) == ["daily", "hourly"]


def test_every_entry_of_the_real_schedule_names_a_registered_task_and_has_a_next_run():
    schedule = InProcessBeat(settings.CELERY_BEAT_SCHEDULE, started=at(1, 0, 0))
    assert len(schedule.entries) == len(settings.CELERY_BEAT_SCHEDULE) >= 8
    for entry in schedule.entries:
        assert entry.task in current_app.tasks, entry.task
        assert at(1, 0, 0) < entry.next_run() <= at(2, 0, 0), entry.name


@pytest.mark.django_db
def test_run_task_runs_the_task_in_this_process(monkeypatch):
    seen = []
    from core.tasks import form_submissions_purge as task

    monkeypatch.setattr(task, "run", lambda *a, **k: seen.append("ran"))
    run_task("core.tasks.form_submissions_purge")
    assert seen == ["ran"]


def test_the_command_lists_every_entry_with_its_next_run():
    out = StringIO()
    call_command("run_schedule", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(settings.CELERY_BEAT_SCHEDULE)
    assert any("publications-publish-due" in line for line in lines)
