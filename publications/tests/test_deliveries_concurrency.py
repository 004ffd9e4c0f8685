"""Two workers at once (PostgreSQL: the row locks and conditional UPDATEs are real there)."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.models import Notification
from publications import deliveries
from publications.models import Channel, Delivery, Kind, Publication, PublicationStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_threads(target, n=2):
    barrier, errors = threading.Barrier(n), []

    def run():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_two_workers_starting_at_once_send_each_row_once(org, people):
    month = datetime.date(2026, 5, 1)
    publication = Publication.objects.create(
        kind=Kind.PREVIEW, district=org.district, street=org.street_a, month=month,
        due_on=month, status=PublicationStatus.PUBLISHED, signed_off_at=timezone.now(),
    )  # fmt: skip

    _in_threads(lambda: deliveries.deliveries_start(publication))

    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert emails.count() == 6
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        emails.values_list("recipient__email", flat=True)
    )
    for user in (people.street, people.secretary, people.worker):
        assert Notification.objects.filter(recipient=user, event=deliveries.EVENT).count() == 1


def test_two_workers_sending_the_same_row_send_it_once(org, people):
    month = datetime.date(2026, 6, 1)
    publication = Publication.objects.create(
        kind=Kind.PREVIEW, district=org.district, street=org.street_a, month=month,
        due_on=month, status=PublicationStatus.PUBLISHED, signed_off_at=timezone.now(),
    )  # fmt: skip
    row = Delivery.objects.create(
        publication=publication, channel=Channel.EMAIL, key=f"user:{people.secretary.pk}",
        recipient=people.secretary,
    )  # fmt: skip
    results = []
    _in_threads(lambda: results.append(deliveries.delivery_send(delivery_id=row.pk)), n=4)
    assert sorted(results) == [False, False, False, True]
    assert len(mail.outbox) == 1
