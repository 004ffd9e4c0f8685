"""Findings of the security review of the daily digest (core/notifications.py), with the fixes'
proof: a run that outlived its lease does not send a row another run took over, and one
person's unsendable digest does not stop everybody else's."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts.roles import Role
from core import notifications
from core.models import EmailDigest, Notification, NotificationPreference
from core.notifications import DIGEST_LEASE, email_digests_send
from tests import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHOSEN = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
MORNING = datetime.datetime(2026, 11, 20, 7, 35, tzinfo=SHANGHAI)


def _daily(org, username):
    person = f.make_user(Role.SECRETARY, org.guoao, username=username)
    NotificationPreference.objects.create(
        user=person, kind="projects", mode="daily", chosen_at=CHOSEN
    )
    Notification.objects.create(
        recipient=person,
        event="project.approved",
        title=f"给{username}的通知",
        created_at=MORNING - datetime.timedelta(hours=3),
    )
    return person


def test_a_row_another_run_took_over_is_not_sent_again_by_the_slow_run(org):
    _daily(org, "slow")
    original = notifications._digest_send_one
    state = {"raced": False}

    def overtaken(digest, found, **kwargs):
        # Run A claimed the row and loaded it; before A gets to send it, A has outlived its
        # lease and run B (a redelivered task, a manual run) takes the row over and sends it.
        if not state["raced"]:
            state["raced"] = True
            assert email_digests_send(now=MORNING + DIGEST_LEASE * 2) == 1
        return original(digest, found, **kwargs)

    with mock.patch.object(notifications, "_digest_send_one", overtaken):
        assert email_digests_send(now=MORNING) == 0  # A leaves it to B
    assert len(mail.outbox) == 1
    assert EmailDigest.objects.get().status == EmailDigest.Status.SENT


def test_one_unsendable_digest_does_not_stop_the_others(org):
    broken, fine = _daily(org, "broken"), _daily(org, "fine")
    real_send = notifications.send_mail

    def send(**kwargs):
        if kwargs["recipient_list"] == [broken.email]:
            raise ValueError("Invalid address")  # what Django says of a malformed address
        return real_send(**kwargs)

    with mock.patch.object(notifications, "send_mail", side_effect=send):
        assert email_digests_send(now=MORNING) == 1
    assert [m.to for m in mail.outbox] == [[fine.email]]
    row = EmailDigest.objects.get(user=broken)
    assert (row.status, row.attempts, row.last_error, row.claim) == (
        "pending",
        1,
        "ValueError",
        "",
    )
    # The next run tries it again (and only it).
    assert email_digests_send(now=MORNING + datetime.timedelta(hours=2)) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([broken.email, fine.email])
