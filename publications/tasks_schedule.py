"""Celery tasks of publications/ (schedule area; see tasks.py)."""

from celery import shared_task

from .schedule import publish_due as _publish_due

__all__ = ["publish_due"]


@shared_task(name="publications.tasks_schedule.publish_due", acks_late=True)
def publish_due() -> dict:
    """The daily job of the monthly rhythm (publications/schedule.py); idempotent, so a retry or a
    second worker changes nothing. The date is read when it runs: what is due depends on it."""
    return _publish_due().as_dict()
