"""Celery tasks of publications/ (delivery area; see tasks.py)."""

from celery import shared_task
from django.utils import timezone

from . import deliveries
from .models import Publication

__all__ = ["send_delivery", "start_deliveries"]

# A Celery retry waits at most this long; longer waits are the daily pass's (publish_due), so no
# countdown comes near the Redis visibility timeout.
LONGEST_COUNTDOWN = 2 * 3600


@shared_task(bind=True, max_retries=deliveries.MAX_ATTEMPTS, acks_late=True)
def send_delivery(self, delivery_id: int) -> bool:
    """One attempt at one delivery row (idempotent: a sent or claimed row is left alone); a
    failure is retried with the row's backoff. Run in-process (the embedded default, eager), a
    failure waits for the next daily run instead of looping here."""
    try:
        return deliveries.delivery_send(delivery_id=delivery_id)
    except deliveries.DeliveryFailed as exc:
        if self.request.is_eager or exc.retry_at is None:
            return False
        countdown = (exc.retry_at - timezone.now()).total_seconds()
        if countdown > LONGEST_COUNTDOWN:
            return False  # the daily pass takes it from here
        raise self.retry(countdown=max(1, int(countdown)), exc=exc) from None


@shared_task(acks_late=True)
def start_deliveries(publication_id: int) -> int:
    """Write a published publication's delivery rows and queue their sends (idempotent)."""
    publication = Publication.objects.filter(pk=publication_id).first()
    return deliveries.deliveries_start(publication) if publication else 0
