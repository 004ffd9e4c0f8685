"""A real Celery worker on Redis delivers a publication's e-mails once, though queued twice."""

import datetime
import os
import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from baiseshejing.celery import app
from publications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Publication,
    PublicationStatus,
)
from publications.tasks_delivery import start_deliveries

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker():
    """A Celery app of its own on Redis db 13, made current so shared tasks publish to it, with
    a worker thread using the test database (core/tests/test_celery_worker.py's pattern)."""
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/13"
    worker_app = Celery("baiseshejing-delivery-test", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    worker_app.autodiscover_tasks(force=True)
    with worker_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    worker_app.set_current()
    try:
        with start_worker(worker_app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            yield worker_app
    finally:
        # start_worker made worker_app the default app too: put the project's app back in both
        # places, or later tests' tasks go to this worker's queue and never run.
        app.set_current()
        app.set_default()


def test_a_worker_delivers_each_email_once_when_queued_twice(org, people, redis_worker):
    month = datetime.date(2026, 5, 1)
    publication = Publication.objects.create(
        kind=Kind.PREVIEW, district=org.district, street=org.street_a, month=month,
        due_on=month, status=PublicationStatus.PUBLISHED, signed_off_at=timezone.now(),
    )  # fmt: skip

    start_deliveries.delay(publication.pk)
    start_deliveries.delay(publication.pk)

    rows = Delivery.objects.filter(publication=publication)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if rows.count() and not rows.exclude(status=DeliveryStatus.SENT).exists():
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"not all sent: {list(rows.values_list('channel', 'status'))}")
    time.sleep(1)  # a duplicate send, had there been one, would land now
    emails = rows.filter(channel=Channel.EMAIL)
    assert emails.count() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        emails.values_list("recipient__email", flat=True)
    )
