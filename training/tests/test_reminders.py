"""The day-before reminder (training/reminders.py): everybody invited to tomorrow's planned
sessions hears once, except those on leave; nothing for cancelled sessions, for sessions of the
day after, or on a second run."""

import datetime

import pytest
from django.core.management import call_command

from core.models import Notification
from training import reminders, tasks
from training.models import Attendance, Reply, SessionStatus
from training.tests import factories as tf

pytestmark = pytest.mark.django_db
# Any day will do: the job is told which day it is.
TODAY = datetime.date(2027, 3, 9)
TOMORROW = TODAY + datetime.timedelta(days=1)


def _reply(session, user, reply, reason=""):
    Attendance.objects.filter(session=session, user=user).update(reply=reply, leave_reason=reason)


@pytest.fixture
def tomorrow(org, people):
    """Tomorrow morning's class (one invited pending, one confirmed, one on leave, one whose
    account was closed), tomorrow's late quarterly session, a cancelled class tomorrow, and a
    class just after midnight."""
    one = tf.cohorts(org.district)[0]
    retired = tf.secretary(org.haiyun, username="retired")
    d = people.district
    morning = tf.session(
        org.district,
        by=d,
        cohort=one,
        starts_at=tf.at(TOMORROW, 8),
        title="矛盾纠纷化解",
        people=[people.secretary, people.secretary_haiyun, people.worker, retired],
    )
    _reply(morning, people.secretary_haiyun, Reply.CONFIRMED)
    _reply(morning, people.worker, Reply.LEAVE, "值班")
    retired.is_active = False
    retired.save()
    late = tf.session(
        org.district,
        by=d,
        starts_at=tf.at(TOMORROW, 21, 30),
        title="季度专题:物业管理",
        people=[people.secretary2],
    )
    for starts_at, status in (
        (tf.at(TOMORROW, 10), SessionStatus.CANCELLED),
        (tf.at(TOMORROW + datetime.timedelta(days=1), 0, 30), SessionStatus.PLANNED),
    ):
        tf.session(
            org.district,
            by=d,
            cohort=one,
            starts_at=starts_at,
            status=status,
            people=[people.secretary, people.worker],
        )
    return morning, late


def _reminded():
    return Notification.objects.filter(event="training.reminder")


def test_everybody_invited_tomorrow_is_reminded_but_those_on_leave(people, tomorrow):
    morning, late = tomorrow

    assert reminders.training_daily(TODAY) == {"reminded": 3}

    told = {(n.recipient_id, n.url): n for n in _reminded()}
    assert set(told) == {
        (people.secretary.pk, morning.get_absolute_url()),
        (people.secretary_haiyun.pk, morning.get_absolute_url()),
        (people.secretary2.pk, late.get_absolute_url()),
    }
    pending = told[(people.secretary.pk, morning.get_absolute_url())]
    assert "矛盾纠纷化解" in pending.title and "08:00" in pending.title
    assert "区党群服务中心301" in pending.title and "请假" in pending.body
    confirmed = told[(people.secretary_haiyun.pk, morning.get_absolute_url())]
    assert confirmed.body == "请准时参加。"
    reminded = Attendance.objects.filter(reminded_at__isnull=False)
    assert sorted(reminded.values_list("user_id", flat=True)) == sorted(
        [people.secretary.pk, people.secretary_haiyun.pk, people.secretary2.pk]
    )


def test_a_second_run_reminds_nobody_again(tomorrow):
    reminders.training_daily(TODAY)

    assert reminders.training_daily(TODAY) == {"reminded": 0}
    assert _reminded().count() == 3


def test_someone_moved_into_tomorrows_class_later_that_day_is_reminded_then(org, people, tomorrow):
    morning, _ = tomorrow
    reminders.training_daily(TODAY)
    newcomer = tf.secretary(org.guoao, username="newcomer")
    tf.invite(morning, newcomer)

    assert reminders.training_daily(TODAY) == {"reminded": 1}
    assert _reminded().get(recipient=newcomer).url == morning.get_absolute_url()


def test_the_class_just_after_midnight_is_the_next_days_and_a_cancelled_one_never_due(
    people, tomorrow
):
    assert reminders.training_daily(TODAY - datetime.timedelta(days=1)) == {"reminded": 0}
    reminders.training_daily(TODAY)

    assert reminders.training_daily(TOMORROW) == {"reminded": 2}
    after_midnight = _reminded().exclude(url__in=[s.get_absolute_url() for s in tomorrow])
    assert sorted(after_midnight.values_list("recipient_id", flat=True)) == sorted(
        [people.secretary.pk, people.worker.pk]
    )
    cancelled = Attendance.objects.filter(session__status=SessionStatus.CANCELLED)
    assert not cancelled.filter(reminded_at__isnull=False).exists()


def test_the_task_and_the_command_run_the_same_job_for_a_given_day(people, tomorrow, capsys):
    assert tasks.training_daily(TODAY.isoformat()) == {"reminded": 3}

    call_command("training_daily", date=TODAY.isoformat())
    assert "发送培训提醒 0 条" in capsys.readouterr().out
    assert _reminded().count() == 3


def test_beat_runs_the_reminders_every_morning(settings):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["training-daily"]
    assert entry["task"] == "training.tasks.training_daily"
    assert entry["task"] in current_app.tasks
    assert entry["schedule"].hour == {8}
