"""Celery tasks of partners/: each takes ids, fetches, and calls a plain service (so it runs the
same by hand, in tests and on a worker). Other areas of partners/ add their tasks here."""

from celery import shared_task


@shared_task(acks_late=True)
def import_partners(job_id: int) -> str:
    """Check and import one queued Excel import (partners.imports.import_run): idempotent, a
    finished job is left alone and two workers on one job import it once."""
    from .imports import import_run

    return import_run(job_id=job_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_alerts(self, emergency_id: int) -> int:
    """Call the partners of one 战时 emergency (partners.emergencies.alerts_send): idempotent, one
    inbox entry and one text message per partner whatever the retries and workers."""
    from .emergencies import alerts_send

    return alerts_send(emergency_id=emergency_id)
