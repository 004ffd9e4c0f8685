"""The daily digest (core/notifications.py: email_digests_send): one e-mail a day per person who
chose "每日汇总一封" for some kinds, listing what arrived since; sent once, whatever happens."""

import datetime
import smtplib
import threading
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from core import notifications
from core.models import EmailDigest, Notification, NotificationPreference
from core.notifications import DIGEST_LEASE, DIGEST_MAX_ATTEMPTS, email_digests_send
from core.tasks import send_email_digests
from tests import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHOSEN = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
MORNING = datetime.datetime(2026, 11, 20, 7, 35, tzinfo=SHANGHAI)
NEXT_MORNING = MORNING + datetime.timedelta(days=1)


@pytest.fixture
def staff(org):
    """Two secretaries of 国奥社区: one gathers projects and publications daily, one never chose."""
    daily = f.make_user(Role.SECRETARY, org.guoao, username="daily")
    plain = f.make_user(Role.SECRETARY, org.guoao, username="plain")
    for kind in ("projects", "publications"):
        NotificationPreference.objects.create(user=daily, kind=kind, mode="daily", chosen_at=CHOSEN)
    NotificationPreference.objects.create(
        user=daily, kind="partners", mode="none", chosen_at=CHOSEN
    )
    return type("Staff", (), {"daily": daily, "plain": plain})


def note(user, event, title, at, **kwargs):
    return Notification.objects.create(
        recipient=user, event=event, title=title, created_at=at, **kwargs
    )


def test_daily_kinds_are_gathered_into_one_email_with_absolute_links(staff, settings):
    settings.PUBLIC_BASE_URL = "https://bssj.example.cn/"
    evening = MORNING - datetime.timedelta(hours=12)
    approved = note(
        staff.daily, "project.approved", "项目已批准:“楼道微更新”", evening, url="/projects/7/"
    )
    note(
        staff.daily,
        "publications.published",
        "长江路街道11月月初预告",
        evening,
        url="/publications/manage/3/",
    )
    skipped = [
        note(staff.daily, "partners.emergency", "战时响应", evening),  # inbox only
        note(staff.daily, "task.done", "实事完成", evening),  # partners: inbox only
        note(staff.daily, "nomination.select", "已入库", evening),  # each time: e-mailed already
        note(staff.daily, "project.returned", "已读的", evening, read_at=MORNING),
        note(staff.daily, "project.commented", "选择之前的", CHOSEN - datetime.timedelta(days=1)),
        note(staff.daily, "project.submitted", "明天的", MORNING + datetime.timedelta(minutes=1)),
    ]

    assert email_digests_send(now=MORNING) == 1

    [message] = mail.outbox
    assert message.to == ["daily@example.org"]
    assert message.subject == "[百社百景] 每日通知汇总:2 条新通知(2026-11-20)"
    assert "项目已批准:“楼道微更新”" in message.body
    assert "2026-11-19 19:35  https://bssj.example.cn/projects/7/" in message.body
    assert "https://bssj.example.cn/publications/manage/3/" in message.body
    assert "https://bssj.example.cn/inbox/preferences/" in message.body
    for other in skipped:
        assert other.title not in message.body
    approved.refresh_from_db()
    assert approved.emailed_at == MORNING
    digest = EmailDigest.objects.get()
    assert (digest.user, digest.day, digest.status) == (staff.daily, MORNING.date(), "sent")
    assert digest.attempts == 1 and digest.sent_at is not None


def test_running_twice_in_a_day_sends_one(staff):
    note(staff.daily, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    assert email_digests_send(now=MORNING) == 1
    note(staff.daily, "project.approved", "又一个", MORNING + datetime.timedelta(minutes=5))
    assert email_digests_send(now=MORNING + datetime.timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 1
    assert EmailDigest.objects.count() == 1


def test_a_second_day_sends_the_new_ones_only(staff):
    note(staff.daily, "project.approved", "第一天的", MORNING - datetime.timedelta(hours=3))
    email_digests_send(now=MORNING)
    note(staff.daily, "project.returned", "第二天的", MORNING + datetime.timedelta(hours=3))

    assert email_digests_send(now=NEXT_MORNING) == 1

    assert len(mail.outbox) == 2
    assert "第二天的" in mail.outbox[1].body and "第一天的" not in mail.outbox[1].body
    assert EmailDigest.objects.filter(user=staff.daily, status="sent").count() == 2


def test_nothing_new_sends_nothing(staff):
    note(staff.daily, "project.approved", "第一天的", MORNING - datetime.timedelta(hours=3))
    email_digests_send(now=MORNING)
    assert email_digests_send(now=NEXT_MORNING) == 0
    assert len(mail.outbox) == 1
    assert EmailDigest.objects.count() == 1


def test_a_person_with_no_daily_kind_gets_no_digest(staff):
    note(staff.plain, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    assert email_digests_send(now=MORNING) == 0
    assert mail.outbox == []
    assert not EmailDigest.objects.exists()


def test_no_digest_without_an_address_or_with_every_email_switched_off(staff):
    note(staff.daily, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    staff.daily.email_notifications = False
    staff.daily.save(update_fields=["email_notifications"])
    assert email_digests_send(now=MORNING) == 0
    staff.daily.email_notifications, staff.daily.email = True, ""
    staff.daily.save(update_fields=["email_notifications", "email"])
    assert email_digests_send(now=MORNING) == 0
    assert mail.outbox == [] and not EmailDigest.objects.exists()


def test_a_long_day_lists_the_first_ones_and_counts_the_rest(staff, monkeypatch):
    monkeypatch.setattr(notifications, "DIGEST_LISTED", 2)
    for i in range(5):
        note(staff.daily, "project.approved", f"通知{i}", MORNING - datetime.timedelta(hours=5 - i))
    email_digests_send(now=MORNING)
    body = mail.outbox[0].body
    assert "通知0" in body and "通知1" in body and "通知2" not in body
    assert "另有 3 条,请到消息中心查看" in body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_refused_send_is_retried_by_the_next_run_and_sent_once(staff):
    note(staff.daily, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    with mock.patch.object(
        notifications, "send_mail", side_effect=smtplib.SMTPRecipientsRefused({"x": (550, b"no")})
    ):
        assert email_digests_send(now=MORNING) == 0
    digest = EmailDigest.objects.get()
    assert (digest.status, digest.attempts, digest.claimed_at) == ("pending", 1, None)
    assert "@" not in digest.last_error  # no address in the row

    note(staff.daily, "project.returned", "后来的", MORNING + datetime.timedelta(hours=1))
    assert email_digests_send(now=MORNING + datetime.timedelta(hours=2)) == 1
    assert email_digests_send(now=MORNING + datetime.timedelta(hours=3)) == 0
    [message] = mail.outbox
    assert "项目已批准" in message.body and "后来的" not in message.body  # the claimed list
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == ("sent", 2)


def test_a_digest_that_keeps_failing_is_given_up(staff):
    note(staff.daily, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    with mock.patch.object(notifications, "send_mail", side_effect=OSError("down")):
        for hour in range(DIGEST_MAX_ATTEMPTS + 1):
            email_digests_send(now=MORNING + datetime.timedelta(hours=hour))
    digest = EmailDigest.objects.get()
    assert (digest.status, digest.attempts, digest.last_error) == (
        "failed",
        DIGEST_MAX_ATTEMPTS,
        "OSError",
    )


def test_a_run_that_died_after_claiming_is_taken_over_once_its_lease_is_over(staff):
    n = note(staff.daily, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    # What a run leaves when its worker died between the claim and the e-mail.
    n.emailed_at = MORNING
    n.save(update_fields=["emailed_at"])
    EmailDigest.objects.create(
        user=staff.daily,
        day=MORNING.date(),
        notification_ids=[n.pk],
        claim="dead",
        claimed_at=MORNING,
    )

    assert email_digests_send(now=MORNING + DIGEST_LEASE / 2) == 0  # it may still be sending
    assert mail.outbox == []
    assert email_digests_send(now=MORNING + DIGEST_LEASE * 2) == 1
    assert email_digests_send(now=MORNING + DIGEST_LEASE * 3) == 0
    assert len(mail.outbox) == 1 and "项目已批准" in mail.outbox[0].body


def test_the_task_runs_the_same_service(staff):
    note(staff.daily, "project.approved", "项目已批准", MORNING - datetime.timedelta(hours=3))
    assert send_email_digests.apply(kwargs={"now": MORNING.isoformat()}).get() == 1
    assert send_email_digests.apply(kwargs={"now": MORNING.isoformat()}).get() == 0
    assert len(mail.outbox) == 1


@pytest.fixture
def three(org):
    people = [f.make_user(Role.WORKER, org.guoao, username=f"many{i}") for i in range(3)]
    for person in people:
        NotificationPreference.objects.create(
            user=person, kind="projects", mode="daily", chosen_at=CHOSEN
        )
    return people


def test_the_queries_of_the_job_do_not_grow_with_the_notifications_per_person(three):
    def run(per_person: int) -> int:
        Notification.objects.all().delete()
        EmailDigest.objects.all().delete()
        mail.outbox.clear()
        for person in three:
            for i in range(per_person):
                note(
                    person,
                    "project.approved",
                    f"通知{i}",
                    MORNING - datetime.timedelta(minutes=i + 1),
                )
        with CaptureQueriesContext(connection) as queries:
            assert email_digests_send(now=MORNING) == 3
        assert len(mail.outbox) == 3
        assert all(f"通知{per_person - 1}" in m.body for m in mail.outbox)
        return len(queries)

    assert run(2) == run(6)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(org):
    person = f.make_user(Role.SECRETARY, org.guoao, username="racer")
    NotificationPreference.objects.create(
        user=person, kind="projects", mode="daily", chosen_at=CHOSEN
    )
    for i in range(3):
        note(person, "project.approved", f"通知{i}", MORNING - datetime.timedelta(hours=i + 1))
    start, results = threading.Barrier(2), []

    def worker():
        try:
            start.wait()
            results.append(email_digests_send(now=MORNING))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1
    assert EmailDigest.objects.get().status == "sent"
