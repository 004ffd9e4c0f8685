"""Real Celery workers on Redis deliver a publication once per (recipient, channel): though queued
twice, though the daily job queues its rows again while a worker is sending them, and with two
workers taking the same rows at once."""

import datetime
import os
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.core import mail
from django.db.models import Count
from django.utils import timezone

from baiseshejing.celery import app
from core.models import Notification
from publications import deliveries, schedule
from publications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Publication,
    PublicationStatus,
)
from publications.tasks_delivery import send_delivery, start_deliveries

# One xdist worker runs every test with a real Celery worker (core's too), one after the other,
# each on a queue of its own: two at once on two xdist workers once took each other's tasks and
# ran them against the other's test database (CI saw rows left pending that way).
pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery_redis_worker"),
]


@contextmanager
def _worker(**options):
    """A Celery app of its own on Redis db 13, made current so shared tasks publish to it, with
    a worker using the test database (core/tests/test_celery_worker.py's pattern)."""
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/13"
    worker_app = Celery("baiseshejing-delivery-test", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        result_backend=redis_url,
        # A queue of this test's own: no other worker (another test, another process) takes
        # its tasks and runs them against another test database.
        task_default_queue=f"test-{uuid.uuid4().hex}",
    )
    worker_app.autodiscover_tasks(force=True)
    with worker_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    worker_app.set_current()
    try:
        with start_worker(worker_app, perform_ping_check=False, shutdown_timeout=10, **options):
            yield worker_app
    finally:
        # start_worker made worker_app the default app too: put the project's app back in both
        # places, or later tests' tasks go to this worker's queue and never run.
        app.set_current()
        app.set_default()


@pytest.fixture
def redis_worker():
    """One worker, one task at a time."""
    with _worker(pool="solo") as worker_app:
        yield worker_app


@pytest.fixture
def two_redis_workers():
    """Two workers taking tasks at once: one worker with two threads, each on its own database
    connection (PostgreSQL: the claims are real there)."""
    with _worker(pool="threads", concurrency=2) as worker_app:
        yield worker_app


def _published(org, month=datetime.date(2026, 5, 1)) -> Publication:
    return Publication.objects.create(
        kind=Kind.PREVIEW, district=org.district, street=org.street_a, month=month,
        due_on=month, status=PublicationStatus.PUBLISHED, signed_off_at=timezone.now(),
    )  # fmt: skip


def _all_sent(publication: Publication) -> None:
    rows = Delivery.objects.filter(publication=publication)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if rows.count() and not rows.exclude(status=DeliveryStatus.SENT).exists():
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"not all sent: {list(rows.values_list('channel', 'status'))}")
    time.sleep(1)  # a duplicate send, had there been one, would land now


def _sent_once_each(publication: Publication) -> None:
    """One row per (channel, recipient), each sent once: one e-mail and one inbox entry each."""
    rows = Delivery.objects.filter(publication=publication)
    assert not rows.values("channel", "key").annotate(n=Count("pk")).filter(n__gt=1).exists()
    emails = rows.filter(channel=Channel.EMAIL)
    assert emails.count() == 6
    # Only this publication's mails: the daily job may remind signers of other drafts meanwhile.
    mailed = [m.to[0] for m in mail.outbox if m.subject == f"[百社百景] {publication.title}"]
    assert sorted(mailed) == sorted(emails.values_list("recipient__email", flat=True))
    inbox = Notification.objects.filter(event=deliveries.EVENT, title=publication.title)
    per_person = Counter(inbox.values_list("recipient_id", flat=True))
    assert per_person == Counter(
        rows.filter(channel=Channel.INBOX).values_list("recipient_id", flat=True)
    )
    assert set(per_person.values()) == {1}


def test_a_worker_delivers_each_email_once_when_queued_twice(org, people, redis_worker):
    publication = _published(org)

    start_deliveries.delay(publication.pk)
    start_deliveries.delay(publication.pk)

    _all_sent(publication)
    _sent_once_each(publication)


@pytest.mark.postgres
def test_the_daily_job_run_twice_while_a_worker_sends_delivers_each_once(org, people, redis_worker):
    """The job plans the deliveries of a publication whose step after sign-off was lost and
    queues their sends; run again while the worker is sending, it queues every row still
    unclaimed a second time (as it would, a quarter of an hour later, for tasks it takes for
    lost). The claims leave one send per row."""
    publication = _published(org)
    later = timezone.now() + deliveries.CLAIM_STALE + timedelta(minutes=1)

    first = schedule.publish_due(now=later)
    second = schedule.publish_due(now=later)

    assert first.errors == second.errors == []
    assert Delivery.objects.filter(publication=publication).exists()
    _all_sent(publication)
    _sent_once_each(publication)


@pytest.mark.postgres
def test_two_workers_taking_the_same_rows_at_once_deliver_each_once(org, people, two_redis_workers):
    """Every row queued three times over (two starts, then once more each), taken by two
    workers at once: each row is still sent once."""
    publication = _published(org)
    threads: set = set()

    def seen(sender=None, **kwargs):
        if sender is not None and sender.name == send_delivery.name:
            threads.add(threading.get_ident())

    task_prerun.connect(seen, weak=False)
    try:
        start_deliveries.delay(publication.pk)
        start_deliveries.delay(publication.pk)
        rows = Delivery.objects.filter(publication=publication)
        deadline = time.monotonic() + 30
        while not rows.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for pk in rows.values_list("pk", flat=True):
            send_delivery.delay(pk)
        _all_sent(publication)
    finally:
        task_prerun.disconnect(seen)

    _sent_once_each(publication)
    assert len(threads) == 2, "both workers took sends"
