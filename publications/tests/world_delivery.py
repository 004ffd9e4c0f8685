"""Objects the delivery rows of the URL matrix open (see publications/tests/matrix_delivery.py):
a published preview of street A (June 2025: clear of the other areas' months) with a failed and a
sent e-mail delivery, and a resident's SMS subscription to street A."""

import datetime

from django.utils import timezone

from publications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Publication,
    PublicationStatus,
    Subscription,
)


def objects(org, people) -> dict:
    month = datetime.date(2025, 6, 1)
    publication = Publication.objects.create(
        kind=Kind.PREVIEW,
        district=org.district,
        street=org.street_a,
        month=month,
        due_on=month,
        status=PublicationStatus.PUBLISHED,
        signed_off_by=people.street,
        signed_off_at=timezone.now(),
    )
    failed = Delivery.objects.create(
        publication=publication,
        channel=Channel.EMAIL,
        key=f"user:{people.secretary.pk}",
        recipient=people.secretary,
        status=DeliveryStatus.FAILED,
        attempts=1,
        last_error="SMTPServerDisconnected: 连接中断",
    )
    sent = Delivery.objects.create(
        publication=publication,
        channel=Channel.EMAIL,
        key=f"user:{people.worker.pk}",
        recipient=people.worker,
        status=DeliveryStatus.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    subscription = Subscription.objects.create(
        street=org.street_a, phone="13900007777", consent_version="2026-01", token="matrixtoken1"
    )
    return {"delivery": failed, "delivery_sent": sent, "subscription": subscription}
