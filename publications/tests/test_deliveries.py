"""Delivering a publication: recipients, exactly once, never skipped, retries."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from core import sms
from core.models import AuditEvent, Notification
from publications import deliveries
from publications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Publication,
    PublicationStatus,
    StreetChannel,
    Subscription,
)
from publications.wecom import encrypt_webhook
from tests import factories as f

pytestmark = pytest.mark.django_db
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234efgh5678"


def published(org, kind=Kind.PREVIEW, street="a", month=datetime.date(2026, 5, 1)):
    street = {"a": org.street_a, "b": org.street_b, None: None}[street]
    return Publication.objects.create(
        kind=kind,
        district=org.district,
        street=None if kind == Kind.DIGEST else street,
        month=month,
        due_on=month,
        status=PublicationStatus.PUBLISHED,
        foreword="欢迎<b>参加</b>",
        signed_off_at=timezone.now(),
    )


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """deliveries_start with its on-commit queueing run (tasks are eager in tests)."""

    def run(publication):
        with django_capture_on_commit_callbacks(execute=True):
            return deliveries.deliveries_start(publication)

    return run


@pytest.fixture(autouse=True)
def _clean_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def inbox(user, publication):
    return Notification.objects.filter(
        recipient=user, event=deliveries.EVENT, title=publication.title
    )


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_street_preview_goes_to_leading_group_and_community_staff_by_inbox_and_email(
    org, people, start
):
    publication = published(org)

    created = start(publication)

    street_a_people = [
        people.street, people.member, people.expert,
        people.secretary, people.worker, people.secretary_haiyun,
    ]  # fmt: skip
    for user in street_a_people:
        assert inbox(user, publication).count() == 1, user
        assert len(mails_to(user)) == 1, user
    for user in (people.secretary2, people.street_b, people.district, people.partner):
        assert not inbox(user, publication).exists(), user
        assert not mails_to(user), user
    assert created == 2 * len(street_a_people)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    notification = inbox(people.secretary, publication).get()
    assert notification.url == publication.get_absolute_url()
    assert notification.body == deliveries.headline(publication)


def test_email_has_plain_text_and_escaped_html(org, people, start):
    publication = published(org)
    start(publication)
    message = mails_to(people.secretary)[0]
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert publication.title in message.subject
    assert publication.get_absolute_url() in message.body
    assert "&lt;b&gt;参加&lt;/b&gt;" in html and "<b>参加</b>" not in html


def test_digest_goes_to_every_street_group_and_every_secretary_not_workers(org, people, start):
    publication = published(org, Kind.DIGEST, street=None)
    start(publication)
    for user in (people.street, people.member, people.street_b, people.judge,
                 people.secretary, people.secretary2, people.secretary_haiyun):  # fmt: skip
        assert inbox(user, publication).count() == 1, user
        assert len(mails_to(user)) == 1, user
    for user in (people.worker, people.district, people.partner, people.resident):
        assert not inbox(user, publication).exists(), user


def test_no_email_row_without_address_or_with_another_preference(org, people, start, monkeypatch):
    people.worker.email = ""
    people.worker.save(update_fields=["email"])
    monkeypatch.setattr(
        deliveries, "email_mode", lambda user, event: "daily" if user == people.member else "each"
    )
    publication = published(org)
    start(publication)
    assert not Delivery.objects.filter(channel=Channel.EMAIL, recipient=people.worker).exists()
    assert not Delivery.objects.filter(channel=Channel.EMAIL, recipient=people.member).exists()
    assert inbox(people.member, publication).count() == 1
    assert inbox(people.worker, publication).count() == 1


def test_inactive_staff_get_nothing(org, people, start):
    people.worker.is_active = False
    people.worker.save(update_fields=["is_active"])
    start(published(org))
    assert not Delivery.objects.filter(recipient=people.worker).exists()


def test_recipients_take_constant_queries(org, people, django_assert_num_queries):
    publication = published(org)
    for _ in range(5):
        f.make_user(Role.WORKER, org.guoao)
    with django_assert_num_queries(1):
        small = len(list(deliveries.recipients(publication)))
    for _ in range(15):
        f.make_user(Role.SECRETARY, org.haiyun)
    with django_assert_num_queries(1):
        large = len(list(deliveries.recipients(publication)))
    assert large == small + 15


def test_started_twice_makes_the_same_rows_and_sends_once(org, people, start):
    publication = published(org)
    first = start(publication)
    rows = set(Delivery.objects.values_list("pk", flat=True))

    second = start(publication)

    assert first > 0 and second == 0
    assert set(Delivery.objects.values_list("pk", flat=True)) == rows
    assert inbox(people.secretary, publication).count() == 1
    assert len(mails_to(people.secretary)) == 1
    assert len(mail.outbox) == Delivery.objects.filter(channel=Channel.EMAIL).count()


def test_a_draft_gets_no_deliveries(org, start):
    publication = published(org)
    publication.status = PublicationStatus.DRAFT
    publication.save(update_fields=["status"])
    assert start(publication) == 0
    assert not Delivery.objects.exists()


def test_crash_half_way_then_rerun_everyone_gets_exactly_one(org, people, start, monkeypatch):
    publication = published(org)
    real_send, calls = deliveries.SENDERS[Channel.EMAIL], []

    def flaky(delivery):
        calls.append(delivery.recipient_id)
        if len(calls) == 3:
            raise ConnectionResetError("SMTP connection lost")
        real_send(delivery)

    monkeypatch.setitem(deliveries.SENDERS, Channel.EMAIL, flaky)
    start(publication)
    failed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    assert failed.attempts == 1 and failed.next_attempt_at is not None
    assert "SMTP connection lost" in failed.last_error

    # The re-run: the job again, and later the daily pass once the backoff has passed.
    start(publication)
    deliveries.deliveries_retry_due(now=timezone.now() + timedelta(hours=1))

    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert set(emails.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    for delivery in emails.select_related("recipient"):
        assert len(mails_to(delivery.recipient)) == 1, delivery.recipient
    assert len(mail.outbox) == emails.count()
    failed.refresh_from_db()
    assert failed.attempts == 2 and failed.last_error == ""


def test_retry_due_only_retries_due_ones(org, people, monkeypatch):
    publication = published(org)
    now = timezone.now()
    due = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.secretary.pk}",
        recipient=people.secretary, status=DeliveryStatus.FAILED, attempts=1,
        next_attempt_at=now - timedelta(minutes=1),
    )  # fmt: skip
    later = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.worker.pk}",
        recipient=people.worker, status=DeliveryStatus.FAILED, attempts=1,
        next_attempt_at=now + timedelta(hours=3),
    )  # fmt: skip
    given_up = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.member.pk}",
        recipient=people.member, status=DeliveryStatus.FAILED, attempts=8, next_attempt_at=None,
    )  # fmt: skip

    assert deliveries.deliveries_retry_due(now=now) == 1

    for row in (due, later, given_up):
        row.refresh_from_db()
    assert due.status == DeliveryStatus.SENT and due.attempts == 2
    assert later.status == DeliveryStatus.FAILED and later.attempts == 1
    assert given_up.status == DeliveryStatus.FAILED and given_up.attempts == 8
    assert [m.to for m in mail.outbox] == [[people.secretary.email]]


def test_retry_due_catches_pending_rows_nobody_sent_and_stale_claims(org, people):
    publication = published(org)
    old = timezone.now() - timedelta(hours=2)
    lost = Delivery.objects.create(
        publication=publication, channel=Channel.INBOX, key=f"user:{people.secretary.pk}",
        recipient=people.secretary, created_at=old,
    )  # fmt: skip
    dead_worker = Delivery.objects.create(
        publication=publication, channel=Channel.INBOX, key=f"user:{people.worker.pk}",
        recipient=people.worker, created_at=old, claimed_at=old, attempts=1,
    )  # fmt: skip
    busy = Delivery.objects.create(
        publication=publication, channel=Channel.INBOX, key=f"user:{people.member.pk}",
        recipient=people.member, created_at=old, claimed_at=timezone.now(), attempts=1,
    )  # fmt: skip

    assert deliveries.deliveries_retry_due(now=timezone.now()) == 2

    for row in (lost, dead_worker, busy):
        row.refresh_from_db()
    assert lost.status == dead_worker.status == DeliveryStatus.SENT
    assert busy.status == DeliveryStatus.PENDING
    assert not inbox(people.member, publication).exists()


def test_a_claimed_row_is_not_sent_by_a_second_caller(org, people):
    publication = published(org)
    row = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.secretary.pk}",
        recipient=people.secretary,
    )  # fmt: skip
    assert deliveries.delivery_send(delivery_id=row.pk) is True
    assert deliveries.delivery_send(delivery_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_failures_back_off_exponentially_and_stop_after_the_last_attempt(org, people, monkeypatch):
    publication = published(org)
    row = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.secretary.pk}",
        recipient=people.secretary,
    )  # fmt: skip

    def broken(delivery):
        raise OSError(f"refused for {people.secretary.email} 13812345678")

    monkeypatch.setitem(deliveries.SENDERS, Channel.EMAIL, broken)
    now, waits = timezone.now(), []
    for _ in range(deliveries.MAX_ATTEMPTS):
        with pytest.raises(deliveries.DeliveryFailed):
            deliveries.delivery_send(delivery_id=row.pk, now=now)
        row.refresh_from_db()
        if row.next_attempt_at:
            waits.append(row.next_attempt_at - now)
    assert waits[:3] == [timedelta(minutes=5), timedelta(minutes=20), timedelta(minutes=80)]
    assert row.attempts == deliveries.MAX_ATTEMPTS and row.next_attempt_at is None
    assert "13812345678" not in row.last_error and "138****5678" in row.last_error
    assert people.secretary.email not in row.last_error


def test_district_staff_retry_a_failed_delivery_on_the_same_row(
    org, people, django_capture_on_commit_callbacks
):
    publication = published(org)
    row = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.secretary.pk}",
        recipient=people.secretary, status=DeliveryStatus.FAILED, attempts=1,
        last_error="OSError: x", next_attempt_at=timezone.now() + timedelta(hours=5),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        deliveries.delivery_retry(delivery=row, by=people.district)

    row.refresh_from_db()
    assert Delivery.objects.filter(publication=publication).count() == 1
    assert row.attempts == 2 and row.status == DeliveryStatus.SENT
    assert len(mails_to(people.secretary)) == 1
    assert AuditEvent.objects.filter(action="delivery.retry", object_id=str(row.pk)).exists()


def test_only_district_staff_retry_and_only_failed_ones(org, people):
    from django.core.exceptions import PermissionDenied

    from core.workflow import Conflict

    publication = published(org)
    row = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key="user:1",
        status=DeliveryStatus.FAILED, attempts=1,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        deliveries.delivery_retry(delivery=row, by=people.street)
    Delivery.objects.filter(pk=row.pk).update(status=DeliveryStatus.SENT)
    with pytest.raises(Conflict):
        deliveries.delivery_retry(delivery=row, by=people.district)


def test_wecom_and_sms_channels(org, people, start, monkeypatch):
    StreetChannel.objects.create(
        street=org.street_a, webhook_encrypted=encrypt_webhook(ROBOT), webhook_hint="h",
        updated_by=people.street,
    )  # fmt: skip
    StreetChannel.objects.create(
        street=org.street_b, webhook_encrypted=encrypt_webhook(ROBOT + "b"), webhook_hint="h",
        updated_by=people.street_b,
    )  # fmt: skip
    active = Subscription.objects.create(
        street=org.street_a, phone="13900001234", consent_version="v", token="tok-active"
    )
    Subscription.objects.create(
        street=org.street_a, phone="13900004321", consent_version="v", token="tok-ended",
        unsubscribed_at=timezone.now(),
    )  # fmt: skip
    Subscription.objects.create(
        street=org.street_b, phone="13900005678", consent_version="v", token="tok-b"
    )
    posted = []
    monkeypatch.setattr(
        deliveries.wecom, "send_markdown", lambda url, content: posted.append((url, content))
    )
    publication = published(org)

    start(publication)
    start(publication)

    assert posted == [(ROBOT, deliveries.wecom_markdown(publication))]
    assert publication.title in posted[0][1]
    assert [(m.phone, m.template) for m in sms.outbox] == [("13900001234", "PUBLICATION_PUBLISHED")]
    text = sms.outbox[0].text
    assert f"/p/publications/unsubscribe/{active.token}/" in text
    assert all(len(value) <= 20 for value in sms.outbox[0].params.values())
    from django.urls import reverse

    assert reverse("publications_public:unsubscribe", args=[active.token]) in text

    digest = published(org, Kind.DIGEST, street=None)
    posted.clear()
    start(digest)
    assert sorted(url for url, _ in posted) == sorted([ROBOT, ROBOT + "b"])
    assert len(sms.outbox) == 1  # residents do not get the staff's digest


def test_a_robot_removed_before_sending_is_a_failure_without_retry(org, people, start):
    channel = StreetChannel.objects.create(
        street=org.street_a, webhook_encrypted=encrypt_webhook(ROBOT), webhook_hint="h",
        updated_by=people.street,
    )  # fmt: skip
    publication = published(org)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(deliveries, "deliveries_queue", lambda **kw: 0)
        start(publication)
    channel.delete()
    row = Delivery.objects.get(channel=Channel.WECOM)
    with pytest.raises(deliveries.DeliveryFailed):
        deliveries.delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.next_attempt_at is None
    assert "机器人" in row.last_error


def test_retry_due_plans_the_deliveries_a_recent_publication_never_got(
    org, people, django_capture_on_commit_callbacks
):
    """The step after a sign-off's commit failed (or the process stopped there): the daily pass
    plans and sends the deliveries of a publication signed off in the last days, and leaves an
    old one (published long ago, e.g. by the demo) alone."""
    recent = published(org)
    old = published(org, month=datetime.date(2026, 4, 1))
    Publication.objects.filter(pk=old.pk).update(signed_off_at=timezone.now() - timedelta(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        deliveries.deliveries_retry_due(now=timezone.now())

    assert inbox(people.secretary, recent).count() == 1
    assert not Delivery.objects.filter(publication=old).exists()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.deliveries_retry_due(now=timezone.now())
    assert inbox(people.secretary, recent).count() == 1
